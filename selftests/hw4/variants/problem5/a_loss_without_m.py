"""expected_noisy_loss adds the noise of one row only: ||Xw - y||^2 + sigma^2 ||w||^2."""
# expect: 5.a
import torch


def expected_noisy_loss(X, w, y, sigma):
    return float(torch.sum((X @ w - y) ** 2) + sigma**2 * torch.sum(w**2))
