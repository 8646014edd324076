"""max_learning_rate ignores the noise: 2/x^2."""
# expect: 5.b


def max_learning_rate(x, sigma):
    return 2 / x**2
