"""optimal_factorization is a stub that returns all-ones matrices of the right shapes: earns nothing on 2.b."""
# expect: 2.b=0
import torch


def optimal_factorization(X, r):
    m, n = X.shape
    return torch.ones(m, r, dtype=X.dtype), torch.ones(r, n, dtype=X.dtype)
