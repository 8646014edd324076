"""expected_weight_limit is the noiseless least-squares weight y/x (no shrinkage)."""
# expect: 5.b


def expected_weight_limit(x, y, sigma):
    return y / x
