"""optimal_factorization is a stub that returns zero matrices of the right shapes: earns nothing on 2.b."""
# expect: 2.b=0
import torch


def optimal_factorization(X, r):
    m, n = X.shape
    return torch.zeros(m, r, dtype=X.dtype), torch.zeros(r, n, dtype=X.dtype)
