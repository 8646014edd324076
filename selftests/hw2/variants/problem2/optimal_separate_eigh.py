"""2.b with U from eigh(X X^T) and V from eigh(X^T X) separately: their signs need not match."""
# expect: 2.b
import torch


def optimal_factorization(X, r):
    left_values, U = torch.linalg.eigh(X @ X.T)
    right_values, V = torch.linalg.eigh(X.T @ X)
    U = U[:, torch.argsort(left_values, descending=True)[:r]]
    order = torch.argsort(right_values, descending=True)[:r]
    sigma = right_values[order].clamp(min=0).sqrt()
    return U * sigma, V[:, order].T
