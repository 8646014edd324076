"""ridge_lambda forgets the 1/m of the ridge objective: lambda = m sigma^2."""
# expect: 5.a


def ridge_lambda(sigma, m):
    return m * sigma**2
