"""optimal_discriminator returns p_g / (p_data + p_g)."""
# expect: 4.1


def optimal_discriminator(p_data, p_g):
    return p_g / (p_data + p_g)
