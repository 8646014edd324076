"""expected_weight_step subtracts the data term: Ew (1 - eta (x^2 + sigma^2)) - eta x y."""
# expect: 5.b


def expected_weight_step(Ew, x, y, sigma, eta):
    return Ew * (1 - eta * (x**2 + sigma**2)) - eta * x * y
