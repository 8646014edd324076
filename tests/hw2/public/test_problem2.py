"""Public checks for Problem 2: matrix factorization, f(A, B) = ||X - AB||_F^2.

Every value is judged by a property recomputed here in float64 from what the function returned, so
every correct convention passes (any optimal pair, tensors or NumPy arrays, float32 or float64):

- 2.a: the witness is well formed and breaks the convexity inequality by more than rounding noise
  (one check: a well-formed tuple that is not a counterexample earns nothing).
- 2.b: f(A, B) is the Eckart-Young optimum sum_{i>r} sigma_i(X)^2, up to 1e-5 * ||X||_F^2. Errors
  are measured against ||X||_F^2, not against the optimum, which is 0 when rank(X) <= r.
- 2.c: A2 B2 = A B up to rounding and A2 differs from A by more than 1e-3 * ||A||_F.

The helpers below are shared with the hidden checks, which apply them to inputs never shown here.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from autograder.checks import CheckFailed, as_array, as_real, as_tuple, assert_no_mutations
from autograder.decorators import number, weight

OPTIMUM_TOLERANCE = 1e-5   # 2.b: allowed f(A, B) - optimum, as a fraction of ||X||_F^2
PRODUCT_TOLERANCE = 1e-5   # 2.c: allowed ||A2 B2 - A B||_F, as a fraction of ||A|| ||B|| + ||A2|| ||B2||
MIN_CHANGE = 1e-3          # 2.c: ||A2 - A||_F must exceed this fraction of ||A||_F
WITNESS_MARGIN = 1e-6      # 2.a: the violation must exceed this fraction of the sizes involved


def squared_norm(matrix: np.ndarray) -> float:
    """||M||_F^2 in float64; overflow gives inf or NaN (without warnings), which every check rejects."""
    with np.errstate(all="ignore"):
        return float(np.sum(matrix * matrix))


def loss(X: np.ndarray, A: np.ndarray, B: np.ndarray) -> float:
    """f(A, B) = ||X - AB||_F^2 in float64."""
    with np.errstate(all="ignore"):
        return squared_norm(X - A @ B)


def show(matrix: np.ndarray) -> str:
    return np.array2string(matrix, precision=6, max_line_width=100, threshold=40)


def read_pair(value: Any, what: str, shape_a: tuple[int, int], shape_b: tuple[int, int],
              names: tuple[str, str] = ("A", "B")) -> tuple[np.ndarray, np.ndarray]:
    """The returned (A, B) as float64 arrays, after checking it is a pair of finite matrices."""
    first, second = as_tuple(value, f"the result of {what}", 2)
    return (as_array(first, f"{names[0]} returned by {what}", shape=shape_a),
            as_array(second, f"{names[1]} returned by {what}", shape=shape_b))


# ------------------------------------------------------------------------------------- 2.a
def read_witness(value: Any) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]], float]:
    """(X, [(A1, B1), (A2, B2)], t) after checking shapes agree and 0 < t < 1."""
    what = "nonconvexity_witness()"
    X_value, first, second, t_value = as_tuple(value, f"the result of {what}", 4)
    X = as_array(X_value, f"X of {what}", ndim=2)
    pairs = []
    for k, pair in ((1, first), (2, second)):
        A_value, B_value = as_tuple(pair, f"(A{k}, B{k}) of {what}", 2)
        pairs.append((as_array(A_value, f"A{k} of {what}", ndim=2),
                      as_array(B_value, f"B{k} of {what}", ndim=2)))
    (A1, B1), (A2, B2) = pairs
    m, n = X.shape
    r = A1.shape[1]
    expected = f"X is {m} x {n}, so A1, A2 must be {m} x r and B1, B2 r x {n} with one r >= 1"
    if r < 1 or any(A.shape != (m, r) or B.shape != (r, n) for A, B in pairs):
        raise CheckFailed(f"the shapes of X, A1, B1, A2, B2 returned by {what} do not fit together",
                          detail=f"{expected}; got X {X.shape}, A1 {A1.shape}, B1 {B1.shape}, "
                                 f"A2 {A2.shape}, B2 {B2.shape}")
    t = as_real(t_value, f"t of {what}")
    if not 0 < t < 1:
        raise CheckFailed(f"t returned by {what} must satisfy 0 < t < 1", detail=f"got t = {t!r}")
    return X, pairs, t


@number("2.a")
@weight(4)
def test_witness_violates_convexity(student):
    """f at the mix t(A1, B1) + (1-t)(A2, B2) exceeds t f(A1, B1) + (1-t) f(A2, B2), beyond rounding."""
    X, [(A1, B1), (A2, B2)], t = read_witness(student.problem2.nonconvexity_witness())
    A_mix, B_mix = t * A1 + (1 - t) * A2, t * B1 + (1 - t) * B2
    mixed = loss(X, A_mix, B_mix)
    chord = t * loss(X, A1, B1) + (1 - t) * loss(X, A2, B2)
    size = squared_norm(X) + max(squared_norm(A) * squared_norm(B)
                                 for A, B in ((A1, B1), (A2, B2), (A_mix, B_mix)))
    if not mixed - chord > WITNESS_MARGIN * size:
        raise CheckFailed(
            "the witness does not violate convexity: f(tA1 + (1-t)A2, tB1 + (1-t)B2) must be "
            "strictly larger than t f(A1, B1) + (1-t) f(A2, B2)",
            detail=f"t = {t!r}: left side {mixed:.10g}, right side {chord:.10g}; the left side "
                   f"must exceed the right by more than {WITNESS_MARGIN:g} * {size:.6g} "
                   f"(||X||^2 plus the largest ||A||^2 ||B||^2 among the three points)")


# ------------------------------------------------------------------------------------- 2.b
def check_optimal_factorization(student: Any, X: torch.Tensor, r: int) -> None:
    """optimal_factorization(X, r) returns an m x r, r x n pair with f at the Eckart-Young optimum."""
    what = "optimal_factorization(X, r)"
    outcome = student.call("problem2", "optimal_factorization", X, r)
    m, n = X.shape
    A, B = read_pair(outcome.value, what, (m, r), (r, n))
    X64 = X.to(torch.float64).numpy()
    singular_values = np.linalg.svd(X64, compute_uv=False)
    optimum = float(np.sum(singular_values[r:] ** 2))
    achieved = loss(X64, A, B)
    allowed = OPTIMUM_TOLERANCE * squared_norm(X64)
    if not achieved - optimum <= allowed:  # written so that a NaN (overflow in A @ B) fails too
        raise CheckFailed(
            f"{what} is not a minimizer: f(A, B) = ||X - AB||_F^2 is above the smallest "
            "possible value sum_(i > r) sigma_i(X)^2",
            detail=f"X ({X.dtype}) =\n{show(X64)}\nsingular values {show(singular_values)}\n"
                   f"r = {r}: f(A, B) = {achieved:.10g}, optimum "
                   f"{optimum:.10g}, allowed excess {allowed:.3g} (= {OPTIMUM_TOLERANCE:g} ||X||_F^2)")
    assert_no_mutations(outcome, what)


# Singular values 3, 2, 1 with scrambled rows and columns: optimum 2^2 + 1^2 = 5 for r = 1, 1 for r = 2.
SCRAMBLED_DIAGONAL = torch.tensor([[0.0, 3.0, 0.0],
                                   [2.0, 0.0, 0.0],
                                   [0.0, 0.0, 0.0],
                                   [0.0, 0.0, -1.0]], dtype=torch.float64)
# Rank 1 (an outer product), wide, float32: the optimum is 0 for r = 2.
RANK_ONE_WIDE = torch.outer(torch.tensor([1.0, -2.0]), torch.tensor([1.0, 0.5, 0.0, 2.0]))

OPTIMAL_CASES = {
    "4x3, r=1": (SCRAMBLED_DIAGONAL, 1),
    "4x3, r=2": (SCRAMBLED_DIAGONAL, 2),
    "2x4 rank 1 float32, r=2": (RANK_ONE_WIDE, 2),
}


@number("2.b")
@weight(3)
@pytest.mark.parametrize("case", OPTIMAL_CASES)
def test_optimal_factorization(student, case):
    """optimal_factorization reaches the optimum f = sum_{i>r} sigma_i^2 on small examples."""
    X, r = OPTIMAL_CASES[case]
    check_optimal_factorization(student, X, r)


# ------------------------------------------------------------------------------------- 2.c
def check_another_factorization(student: Any, A: torch.Tensor, B: torch.Tensor) -> None:
    """another_factorization(A, B) returns A2, B2 of the same shapes, A2 B2 = A B, A2 != A."""
    what = "another_factorization(A, B)"
    outcome = student.call("problem2", "another_factorization", A, B)
    A64, B64 = A.to(torch.float64).numpy(), B.to(torch.float64).numpy()
    A2, B2 = read_pair(outcome.value, what, A64.shape, B64.shape, names=("A2", "B2"))
    inputs = f"A ({A.dtype}) =\n{show(A64)}\nB =\n{show(B64)}"
    with np.errstate(all="ignore"):
        product_error = np.sqrt(squared_norm(A2 @ B2 - A64 @ B64))
    scale = np.sqrt(squared_norm(A64) * squared_norm(B64)) + np.sqrt(squared_norm(A2) * squared_norm(B2))
    if not product_error <= PRODUCT_TOLERANCE * scale:
        raise CheckFailed(
            f"{what} changes the product: A2 @ B2 must equal A @ B up to rounding",
            detail=f"{inputs}\nA2 =\n{show(A2)}\nB2 =\n{show(B2)}\n||A2 B2 - A B||_F = "
                   f"{product_error:.6g}, allowed {PRODUCT_TOLERANCE:g} (||A|| ||B|| + ||A2|| ||B2||) "
                   f"= {PRODUCT_TOLERANCE * scale:.6g}")
    change = np.sqrt(squared_norm(A2 - A64))
    if not change > MIN_CHANGE * np.sqrt(squared_norm(A64)):
        raise CheckFailed(
            f"{what} returns (almost) the same A: ||A2 - A||_F must exceed {MIN_CHANGE:g} ||A||_F "
            "(when r = 1, reordering columns changes nothing)",
            detail=f"{inputs}\nA2 =\n{show(A2)}\n||A2 - A||_F = {change:.6g}")
    assert_no_mutations(outcome, what)


# An optimal pair for SCRAMBLED_DIAGONAL with r = 2 (A = U_2 S_2, B = V_2^T), and its r = 1 part.
PAIR_A = torch.tensor([[3.0, 0.0], [0.0, 2.0], [0.0, 0.0], [0.0, 0.0]], dtype=torch.float64)
PAIR_B = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=torch.float64)

ANOTHER_CASES = {
    "r=2": (PAIR_A, PAIR_B),
    "r=1": (PAIR_A[:, :1], PAIR_B[:1]),
}


@number("2.c")
@weight(3)
@pytest.mark.parametrize("case", ANOTHER_CASES)
def test_another_factorization(student, case):
    """another_factorization gives a different pair with the same product, for r = 2 and r = 1."""
    A, B = ANOTHER_CASES[case]
    check_another_factorization(student, A, B)
