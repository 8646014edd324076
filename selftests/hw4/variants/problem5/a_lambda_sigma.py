"""ridge_lambda returns the standard deviation sigma instead of the variance sigma^2."""
# expect: 5.a


def ridge_lambda(sigma, m):
    return sigma
