"""4.1's functions are stubs that return an argument (d_real, p_data; -1 for the optimum): earn
nothing on 4.1."""
# expect: 4.1=0


def gan_value(d_real, d_fake):
    return d_real


def optimal_discriminator(p_data, p_g):
    return p_data


def optimal_gan_value():
    return -1
