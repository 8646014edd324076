"""optimal_gan_value returns the decimal -1.386 (half of that check)."""
# expect: 4.1


def optimal_gan_value():
    return -1.386
