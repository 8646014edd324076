"""Hidden checks for Problem 5 on inputs the student has never seen.

The properties are the public ones (tests/hw4/public/test_problem5.py), on new inputs:

- 5.a: expected_noisy_loss on a tall, a wide (m < n) and a one-column problem with small and large
  noise (0.75, shared evenly); ridge_lambda called with positive symbols of other names, which
  catches answers built from Symbols of their own instead of the arguments (0.5);
  noisy_least_squares on a tall problem with strong noise, a wide one (X^T X singular: only the
  ridge term makes the system invertible) and a single column (1, shared evenly).
- 5.b: expected_weight_step for E[w_t] of both signs, a negative x and y, and noise larger than x
  (0.5, shared evenly); max_learning_rate and expected_weight_limit called with symbols of other
  names (0.5 each).
"""
from __future__ import annotations

import pytest
import sympy
import torch

from autograder.decorators import number, weight
from tests.hw4.public.test_problem5 import (check_expected_noisy_loss, check_expected_weight_limit,
                                            check_expected_weight_step, check_max_learning_rate,
                                            check_noisy_least_squares, check_ridge_lambda)


def seeded(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


# (X, w, y, sigma)
LOSS_CASES = {
    "tall, strong noise": (seeded((7, 3), 51), seeded((3,), 52), seeded((7,), 53), 1.3),
    "wide, weak noise": (seeded((3, 5), 54), seeded((5,), 55), seeded((3,), 56), 0.2),
    "one column": (seeded((6, 1), 57), torch.tensor([2.5], dtype=torch.float64), seeded((6,), 58), 0.9),
}


@number("5.a")
@weight(0.75)
@pytest.mark.parametrize("case", LOSS_CASES)
def test_expected_noisy_loss_hidden(student, case):
    """expected_noisy_loss is the exact expectation of the noisy squared error."""
    check_expected_noisy_loss(student, *LOSS_CASES[case])


@number("5.a")
@weight(0.5)
def test_ridge_lambda_other_symbols(student):
    """ridge_lambda is sigma^2 in the symbols it is given, whatever their names."""
    check_ridge_lambda(student, sympy.Symbol("s", positive=True), sympy.Symbol("k", positive=True))


# (X, y, sigma)
SOLVE_CASES = {
    "tall, strong noise": (seeded((8, 3), 59), seeded((8,), 60), 1.5),
    "wide (X^T X singular)": (seeded((3, 5), 61), seeded((3,), 62), 0.4),
    "single column": (seeded((6, 1), 63), seeded((6,), 64), 0.8),
}


@number("5.a")
@weight(1.0)
@pytest.mark.parametrize("case", SOLVE_CASES)
def test_noisy_least_squares_hidden(student, case):
    """noisy_least_squares is the minimizer of the expected noisy squared error."""
    check_noisy_least_squares(student, *SOLVE_CASES[case])


# (Ew, x, y, sigma, eta)
STEP_CASES = {
    "negative Ew": (-0.75, 2.0, 1.25, 0.5, 0.05),
    "negative x and y": (1.1, -0.6, -3.0, 0.3, 0.4),
    "noise larger than x": (0.4, 0.5, 2.0, 1.7, 0.2),
}


@number("5.b")
@weight(0.5)
@pytest.mark.parametrize("case", STEP_CASES)
def test_expected_weight_step_hidden(student, case):
    """expected_weight_step is E[w_(t+1)] given E[w_t]."""
    check_expected_weight_step(student, *STEP_CASES[case])


@number("5.b")
@weight(0.5)
def test_max_learning_rate_other_symbols(student):
    """max_learning_rate is 2/(x^2 + sigma^2) in the symbols it is given, whatever their names."""
    check_max_learning_rate(student, sympy.Symbol("a", positive=True), sympy.Symbol("b", positive=True))


@number("5.b")
@weight(0.5)
def test_expected_weight_limit_other_symbols(student):
    """expected_weight_limit is x y/(x^2 + sigma^2) in the symbols it is given, whatever their names."""
    check_expected_weight_limit(student, sympy.Symbol("u", positive=True),
                                sympy.Symbol("v", real=True), sympy.Symbol("s", positive=True))
