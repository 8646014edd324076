"""noisy_least_squares regularizes with sigma^2 I instead of m sigma^2 I."""
# expect: 5.a
import torch


def noisy_least_squares(X, y, sigma):
    n = X.shape[1]
    return torch.linalg.solve(X.T @ X + sigma**2 * torch.eye(n, dtype=X.dtype), X.T @ y)
