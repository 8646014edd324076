"""Hidden checks for Problem 3 on inputs the student has never seen.

The properties are the public ones (tests/public/test_problem3.py), on new inputs:

- 3.a: the gradient at lam * w for lam < 1 and lam >> 1, matrix-shaped and float32 gradients
  (0.5 point, shared evenly); the factor c(lam) called with a positive symbol of another name, which
  catches answers built from a symbol of their own instead of the argument (0.5 point).
- 3.b: effective_learning_rate on matrices and convolution kernels, whose norm is the Frobenius
  norm of all entries, and on float32 (0.5); direction_update against the formula with a g that is
  NOT orthogonal to v, where the projection I - v v^T matters, in float64 and float32 (0.75); and
  the first-order property (difference from the true normalized step at most (eta' ||g||)^2 for
  eta, eta/2, eta/4) for ||w|| below and above 1 (0.75).
"""
from __future__ import annotations

import pytest
import sympy
import torch

from autograder.decorators import number, weight
from tests.hw2.public.test_problem3 import (check_direction_formula, check_effective_learning_rate,
                                        check_first_order, check_gradient_at_scaled_point,
                                        check_scaled_gradient_factor)


def seeded(shape: tuple[int, ...], seed: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=torch.float64).to(dtype)


# (w, lam, coefficients of the loss, dtype of grad_w sent)
SCALED_CASES = {
    "vector, lam < 1": (seeded((5,), 1), 0.125, seeded((5,), 2), torch.float64),
    "matrix, lam > 1": (seeded((3, 4), 3), 40.0, seeded((12,), 4), torch.float64),
    "float32": (seeded((6,), 5), 3.0, seeded((6,), 6), torch.float32),
}


@number("3.a")
@weight(0.5)
@pytest.mark.parametrize("case", SCALED_CASES)
def test_gradient_at_scaled_point_hidden(student, case):
    """gradient_at_scaled_point(grad l(w), lam) is the gradient of l at lam * w."""
    w, lam, coefficients, dtype = SCALED_CASES[case]
    check_gradient_at_scaled_point(student, w, lam, coefficients, dtype)


@number("3.a")
@weight(0.5)
def test_scaled_gradient_factor_other_symbol(student):
    """scaled_gradient_factor is 1/lam in the symbol it is given, whatever that symbol's name."""
    check_scaled_gradient_factor(student, sympy.Symbol("s", positive=True))


EFFECTIVE_CASES = {
    "matrix": (0.3, seeded((4, 3), 7)),
    "convolution kernel": (0.05, seeded((2, 3, 3, 3), 8)),
    "float32 vector": (1.5, seeded((7,), 9, torch.float32)),
}


@number("3.b")
@weight(0.5)
@pytest.mark.parametrize("case", EFFECTIVE_CASES)
def test_effective_learning_rate_hidden(student, case):
    """effective_learning_rate(eta, w) is eta / ||w||^2 with the norm over all entries of w."""
    eta, w = EFFECTIVE_CASES[case]
    check_effective_learning_rate(student, eta, w)


def unit(vector: torch.Tensor) -> torch.Tensor:
    return vector / torch.linalg.vector_norm(vector)


# (v, g not orthogonal to v, eta, w_norm): eta / w_norm^2 * ||(I - v v^T) g|| is about 0.5, so
# renormalizing changes the result by about 10%, and leaving out the projection by far more.
FORMULA_CASES = {
    "float64": (unit(seeded((5,), 10)), seeded((5,), 11) + 2.0 * unit(seeded((5,), 10)), 1.0, 2.0),
    "float32": (unit(seeded((4,), 12)).float(), (seeded((4,), 13) - unit(seeded((4,), 12))).float(),
                0.05, 0.5),
}


@number("3.b")
@weight(0.75)
@pytest.mark.parametrize("case", FORMULA_CASES)
def test_direction_update_projects_gradient(student, case):
    """direction_update applies (I - v v^T) to a gradient that is not orthogonal to v."""
    v, grad_v, eta, w_norm = FORMULA_CASES[case]
    check_direction_formula(student, v, grad_v, eta, w_norm)


# (w, eta at the first of three halvings, coefficients of the loss): ||w|| far from 1 both ways.
FIRST_ORDER_CASES = {
    "small weights": (0.25 * unit(seeded((6,), 14)), 0.01, seeded((6,), 15)),
    "large weights": (4.0 * unit(seeded((4,), 16)), 2.5, seeded((4,), 17)),
}


@number("3.b")
@weight(0.75)
@pytest.mark.parametrize("case", FIRST_ORDER_CASES)
def test_direction_update_first_order_hidden(student, case):
    """direction_update is within O(eta^2) of the direction after a true gradient-descent step."""
    w, eta, coefficients = FIRST_ORDER_CASES[case]
    check_first_order(student, w, eta, coefficients)
