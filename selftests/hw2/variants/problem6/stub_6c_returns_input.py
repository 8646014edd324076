"""clip_gradient_norm is a stub that returns its input unchanged: earns nothing on 6.c."""
# expect: 6.c=0


def clip_gradient_norm(grad, max_norm):
    return grad.clone()
