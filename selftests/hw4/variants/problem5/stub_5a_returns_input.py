"""5.a's functions are stubs that return an input (sigma, sigma, y): earn nothing on 5.a."""
# expect: 5.a=0


def expected_noisy_loss(X, w, y, sigma):
    return sigma


def ridge_lambda(sigma, m):
    return sigma


def noisy_least_squares(X, y, sigma):
    return y
