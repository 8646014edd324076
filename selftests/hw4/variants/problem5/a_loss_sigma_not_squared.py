"""expected_noisy_loss uses sigma where the variance sigma^2 belongs: ||Xw - y||^2 + m sigma ||w||^2."""
# expect: 5.a
import torch


def expected_noisy_loss(X, w, y, sigma):
    return float(torch.sum((X @ w - y) ** 2) + X.shape[0] * sigma * torch.sum(w**2))
