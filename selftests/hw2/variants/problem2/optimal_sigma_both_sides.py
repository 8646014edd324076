"""2.b putting S_r on both sides (A = U_r S_r, B = S_r V_r^T): the product is U_r S_r^2 V_r^T."""
# expect: 2.b
import torch


def optimal_factorization(X, r):
    U, S, Vh = torch.linalg.svd(X, full_matrices=False)
    return U[:, :r] * S[:r], S[:r, None] * Vh[:r]
