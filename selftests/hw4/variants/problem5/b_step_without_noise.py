"""expected_weight_step drops E[N_t^2] = sigma^2: Ew (1 - eta x^2) + eta x y."""
# expect: 5.b


def expected_weight_step(Ew, x, y, sigma, eta):
    return Ew * (1 - eta * x**2) + eta * x * y
