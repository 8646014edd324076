"""2.b with sqrt(S_r) in B but the full S_r in A: the product is U_r S_r^1.5 V_r^T."""
# expect: 2.b
import torch


def optimal_factorization(X, r):
    U, S, Vh = torch.linalg.svd(X, full_matrices=False)
    return U[:, :r] * S[:r], S[:r, None].sqrt() * Vh[:r]
