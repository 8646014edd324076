"""ridge_lambda divides by m once too often: lambda = sigma^2 / m."""
# expect: 5.a


def ridge_lambda(sigma, m):
    return sigma**2 / m
