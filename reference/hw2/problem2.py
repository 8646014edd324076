"""Problem 2 reference: matrix factorization, f(A, B) = ||X - AB||_F^2.

The meaning of each function is fixed by the contract (section "Problem 2"); the student template
states the same conventions at length.
"""
from __future__ import annotations

import torch

Tensor = torch.Tensor


def factorization_loss(X: Tensor, A: Tensor, B: Tensor) -> Tensor:
    """f(A, B) = ||X - AB||_F^2, the objective all three parts are about."""
    return torch.linalg.matrix_norm(X - A @ B) ** 2


def nonconvexity_witness() -> tuple[Tensor, tuple[Tensor, Tensor], tuple[Tensor, Tensor], float]:
    """1x1 case: (1, 1) and (-1, -1) both give f = 0, their midpoint (0, 0) gives f = 1 > 0."""
    one = torch.ones(1, 1, dtype=torch.float64)
    return one.clone(), (one.clone(), one.clone()), (-one, -one), 0.5


def optimal_factorization(X: Tensor, r: int) -> tuple[Tensor, Tensor]:
    """Eckart-Young: A = U_r sqrt(S_r), B = sqrt(S_r) V_r^T from the thin SVD of X."""
    if X.ndim != 2:
        raise ValueError(f"X must be a matrix, got shape {tuple(X.shape)}")
    if not 1 <= r <= min(X.shape):
        raise ValueError(f"r must satisfy 1 <= r <= min(m, n) = {min(X.shape)}, got {r}")
    if not X.is_floating_point():
        X = X.to(torch.float64)
    U, S, Vh = torch.linalg.svd(X, full_matrices=False)
    root = S[:r].sqrt()
    return U[:, :r] * root, root[:, None] * Vh[:r]


def another_factorization(A: Tensor, B: Tensor) -> tuple[Tensor, Tensor]:
    """(A Q, Q^-1 B) with the orthogonal Q = -I: a sign flip, which works for every r >= 1."""
    return -A, -B
