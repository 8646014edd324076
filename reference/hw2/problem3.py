"""Problem 3 reference: scale invariance, l(lam * w) = l(w) for every lam > 0.

The meaning of each function is fixed by the contract (section "Problem 3"); the student template
states the same conventions at length.
"""
from __future__ import annotations

import sympy
import torch

Tensor = torch.Tensor


def gradient_at_scaled_point(grad_w: Tensor, lam: float) -> Tensor:
    """3.a: grad l(lam w) = grad l(w) / lam (differentiate l(lam w) = l(w) with respect to w)."""
    return grad_w / lam


def scaled_gradient_factor(lam: sympy.Symbol) -> sympy.Expr:
    """3.a: c(lam) = 1 / lam, as a sympy expression in the symbol given."""
    return 1 / lam


def effective_learning_rate(eta: float, w: Tensor) -> float:
    """3.b: eta' = eta / ||w||_2^2, the norm over all entries of w (Frobenius for a matrix)."""
    squared_norm = torch.sum(w.detach().to(torch.float64) ** 2).item()
    return float(eta) / squared_norm


def direction_update(v: Tensor, grad_v: Tensor, eta: float, w_norm: float) -> Tensor:
    """3.b, equation (2) without its O(eta^2) term: v - (eta / ||w||^2) (I - v v^T) g.

    (I - v v^T) g is computed as g - v (v . g), which never forms the p x p matrix.
    """
    projected = grad_v - v * torch.dot(v, grad_v)
    return v - (eta / w_norm**2) * projected
