"""expected_noisy_loss squares w in place (w.pow_(2)) after using it: right value, changed w."""
# expect: 5.a


def expected_noisy_loss(X, w, y, sigma):
    residual = X @ w - y
    return float(residual @ residual + X.shape[0] * sigma**2 * w.pow_(2).sum())
