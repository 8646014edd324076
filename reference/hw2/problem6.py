"""Problem 6 reference: gradients of the linear RNN z^{t+1} = w_z z^t (no input, no nonlinearity).

The meaning of each function is fixed by the contract (section "Problem 6"); the student template
states the same conventions at length.
"""
from __future__ import annotations

from fractions import Fraction

import sympy
import torch

Tensor = torch.Tensor

_ROOT_DIGITS = 50  # precision of the roots whose modulus is compared with 1
_UNIT_CIRCLE_TOLERANCE = sympy.Rational(1, 10**30)


def rnn_weight_gradient(w_z: Tensor, z1: Tensor, T: int, grad_zT: Tensor) -> Tensor:
    """6.a: back-propagation through time, dl/dw_z = sum_{t=1}^{T-1} zbar^{t+1} (z^t)^T.

    zbar^T = grad_zT and zbar^t = w_z^T zbar^{t+1}; entry (i, j) is dl/d(w_z)_ij.
    """
    gradient = torch.zeros_like(w_z)
    if T < 2:
        return gradient  # z^T = z^1 does not depend on w_z
    states = [z1]  # z^1, ..., z^{T-1}
    for _ in range(T - 2):
        states.append(w_z @ states[-1])
    upstream = grad_zT
    for state in reversed(states):
        gradient = gradient + torch.outer(upstream, state)
        upstream = w_z.T @ upstream
    return gradient


def _exact(values: list) -> list:
    """Floats as exact rationals (every float is a binary fraction), so no rounding enters."""
    return [sympy.Rational(Fraction(float(x))) for x in values]


def _relative_minimal_polynomial(w: sympy.Matrix, z: sympy.Matrix) -> sympy.Poly:
    """The monic p of least degree with p(w) z = 0: the first dependency in z, w z, w^2 z, ..."""
    x = sympy.Symbol("x")
    if z.is_zero_matrix:
        return sympy.Poly(1, x)
    krylov = [z]
    while True:
        following = w * krylov[-1]
        basis = sympy.Matrix.hstack(*krylov)  # independent columns, by construction
        if sympy.Matrix.hstack(basis, following).rank() == len(krylov):
            coefficients, _ = basis.gauss_jordan_solve(following)  # unique
            degree = len(krylov)
            return sympy.Poly(x**degree - sum(coefficients[k] * x**k for k in range(degree)), x)
        krylov.append(following)


def hidden_state_regime(w_z: Tensor, z1: Tensor) -> str:
    """6.a: the limit of ||w_z^t z1|| from the minimal polynomial of w_z relative to z1.

    z1 lies in the sum of the generalized eigenspaces of the roots of that polynomial, and the
    multiplicity of a root is the length of the Jordan chain z1 reaches there, so ||w_z^t z1||
    behaves like max |lambda|^t t^(m-1) over its roots lambda of multiplicity m. The square-free
    factorization gives the multiplicities exactly; 50-digit roots decide |lambda| against 1 (for
    small rational polynomials a root off the unit circle is far further from it than 1e-30).
    """
    p = w_z.shape[0]
    w = sympy.Matrix(p, p, _exact(w_z.detach().cpu().reshape(-1).tolist()))
    z = sympy.Matrix(p, 1, _exact(z1.detach().cpu().reshape(-1).tolist()))
    regime = "vanishing"
    for factor, multiplicity in _relative_minimal_polynomial(w, z).sqf_list()[1]:
        for root in factor.nroots(n=_ROOT_DIGITS):
            distance = sympy.Abs(root) - 1
            on_unit_circle = abs(distance) <= _UNIT_CIRCLE_TOLERANCE
            if distance > _UNIT_CIRCLE_TOLERANCE or (on_unit_circle and multiplicity >= 2):
                return "exploding"
            if on_unit_circle:
                regime = "bounded"
    return regime


def scalar_rnn_gradient(w, z1, T, g):
    """6.a, p = 1: z^T = w^(T-1) z1, so dl/dw = g (T-1) w^(T-2) z1 (zero when T = 1)."""
    return (T - 1) * w ** (T - 2) * z1 * g


def clip_gradient_norm(grad: Tensor, max_norm: float) -> Tensor:
    """6.c: rescale grad to norm max_norm when its (Frobenius) norm exceeds max_norm."""
    norm = torch.linalg.vector_norm(grad)
    if norm > max_norm:
        return grad * (max_norm / norm)
    return grad.clone()
