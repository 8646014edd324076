"""5.a's functions are stubs that return zeros or None: earn nothing on 5.a."""
# expect: 5.a=0
import torch


def expected_noisy_loss(X, w, y, sigma):
    return None


def ridge_lambda(sigma, m):
    return 0


def noisy_least_squares(X, y, sigma):
    return torch.zeros(X.shape[1], dtype=torch.float64)
