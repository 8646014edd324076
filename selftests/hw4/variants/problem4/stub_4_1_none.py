"""4.1's functions are stubs that return None: earn nothing on 4.1."""
# expect: 4.1=0


def gan_value(d_real, d_fake):
    return None


def optimal_discriminator(p_data, p_g):
    return None


def optimal_gan_value():
    return None
