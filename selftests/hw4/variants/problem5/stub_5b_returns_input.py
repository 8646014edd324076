"""5.b's functions are stubs that return an input (Ew, x, y): earn nothing on 5.b."""
# expect: 5.b=0


def expected_weight_step(Ew, x, y, sigma, eta):
    return Ew


def max_learning_rate(x, sigma):
    return x


def expected_weight_limit(x, y, sigma):
    return y
