"""gan_gradients is a stub that returns None: earns nothing on 4.2."""
# expect: 4.2=0


def gan_gradients(W_g, W_d, x, r):
    return None
