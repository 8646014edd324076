"""max_learning_rate keeps only the condition 1 - eta (x^2 + sigma^2) > 0: 1/(x^2 + sigma^2)."""
# expect: 5.b


def max_learning_rate(x, sigma):
    return 1 / (x**2 + sigma**2)
