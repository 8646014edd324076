"""ESE 546 Homework 2, Problem 2: matrix factorization.

For a real matrix X (m x n) and a rank r, we look for A (m x r) and B (r x n) minimizing

    f(A, B) = ||X - AB||_F^2        (squared Frobenius norm: the sum of squared entries).

What the autograder accepts, for every function below:

- Inputs are `torch.Tensor`s (float32 or float64) on some device; return tensors on the same device
  or on the CPU. A NumPy array with the same values is accepted wherever a tensor is asked for.
- Work in the dtype you are given (float32 is fine: the grader's tolerances allow its rounding).
- Never modify an argument in place (`A *= 2`, `A.mul_(2)`, `A[0] = ...`): build new tensors.
  A function that changes its inputs loses the points of the check that caught it.
- An exception counts as a wrong answer: try your functions on small examples first
  (`factorization_loss` below is there for that).
"""
from __future__ import annotations

import torch

Tensor = torch.Tensor


def factorization_loss(X: Tensor, A: Tensor, B: Tensor) -> Tensor:
    """f(A, B) = ||X - AB||_F^2 as a 0-d tensor (a working helper, not graded).

    Example: for X = I (2 x 2), A = [[1], [0]] and B = [[1, 0]], AB = [[1, 0], [0, 0]] and
    f(A, B) = 1.
    """
    return torch.linalg.matrix_norm(X - A @ B) ** 2


def nonconvexity_witness() -> tuple[Tensor, tuple[Tensor, Tensor], tuple[Tensor, Tensor], float]:
    """2.a: a concrete example showing that f is not a convex function of (A, B).

    f is convex if, for every two points (A1, B1), (A2, B2) and every 0 < t < 1,

        f(t A1 + (1-t) A2, t B1 + (1-t) B2) <= t f(A1, B1) + (1-t) f(A2, B2).

    Return `(X, (A1, B1), (A2, B2), t)` for which this inequality FAILS, i.e. the left side is
    strictly larger than the right side.

    Conventions:
    - X, A1, B1, A2, B2 are 2-D tensors (or NumPy arrays): X is m x n, A1 and A2 are m x r, B1 and
      B2 are r x n, with the same m, n, r >= 1 throughout. A 1 x 1 matrix must have shape (1, 1)
      (`torch.tensor([[2.0]])`): plain numbers and 0-d or 1-D tensors are not matrices.
    - t is a real number with 0 < t < 1 strictly (a Python float, or a 0-d tensor/array).
    - The grader recomputes both sides in float64 from the values you return. The left side must
      exceed the right side by more than rounding noise: by more than 1e-6 * (||X||_F^2 + the
      largest ||A||_F^2 ||B||_F^2 among (A1, B1), (A2, B2) and their mix). A clear counterexample
      with small integer entries is best.
    """
    raise NotImplementedError("2.a: return (X, (A1, B1), (A2, B2), t) violating convexity")


def optimal_factorization(X: Tensor, r: int) -> tuple[Tensor, Tensor]:
    """2.b: a global minimizer (A, B) of f for the given X and r.

    Args:
        X: real matrix, shape (m, n), float32 or float64. It may be tall (m > n), wide (m < n)
            or square, and its rank may be smaller than r.
        r: an int with 1 <= r <= min(m, n).

    Returns:
        (A, B) with A of shape (m, r) and B of shape (r, n), so that f(A, B) equals the smallest
        possible value of f (Eckart-Young: the sum of the squares of the singular values of X
        beyond the r largest; 0 when rank(X) <= r).

    Any minimizer is accepted: (U_r S_r, V_r^T), (U_r, S_r V_r^T), (U_r sqrt(S_r), sqrt(S_r) V_r^T),
    or any of these with A multiplied by an invertible Q and B by Q^-1 on the left. The grader
    checks f(A, B), not the factors themselves, up to a tolerance of 1e-5 * ||X||_F^2, which
    float32 rounding fits in easily. It uses matrices with repeated singular values (the singular
    vectors are then not unique: that is fine), rank-deficient ones, r = 1, r = min(m, n), and
    entries of size 1e-3 to 1e3.

    Pitfalls: `torch.linalg.eigh` sorts eigenvalues in ASCENDING order, `torch.linalg.svd` sorts
    singular values in DESCENDING order; and U and V taken from two separate eigendecompositions
    (of X X^T and X^T X) need not have matching signs.
    """
    raise NotImplementedError("2.b: return (A, B) minimizing ||X - AB||_F^2")


def another_factorization(A: Tensor, B: Tensor) -> tuple[Tensor, Tensor]:
    """2.c: given one optimal pair (A, B), return a different pair (A2, B2) with the same product.

    Args:
        A: shape (m, r), B: shape (r, n), with r >= 1, float32 or float64; (A, B) is an optimal
            pair such as `optimal_factorization` returns (A has full column rank r). You are not
            given X: you do not need it.

    Returns:
        (A2, B2) with A2 of shape (m, r) and B2 of shape (r, n) such that
        - A2 @ B2 equals A @ B up to rounding (then f(A2, B2) = f(A, B): A2, B2 is optimal too);
        - A2 really differs from A: ||A2 - A||_F > 1e-3 * ||A||_F.

    It must work for every r >= 1, including r = 1 (a single column: think about which
    transformations then still change something), and for tiny or large entries. A and B must not
    be modified in place.
    """
    raise NotImplementedError("2.c: return (A2, B2) != (A, B) with A2 @ B2 == A @ B")
