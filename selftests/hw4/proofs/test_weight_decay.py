"""Problem 3.3 (L2 regularization as weight decay), checked symbolically.

For L'(w) = L(w) + lam w^T w the gradient is grad L(w) + 2 lam w, so one gradient-descent step
w - alpha grad L'(w) is (1 - 2 alpha lam) w - alpha grad L(w): w shrinks by the factor
1 - 2 alpha lam, which depends on neither w nor the gradient (shown on a vector w of 3 entries
and an arbitrary loss L). These are the facts behind the reference's decay_factor and l2_gd_step,
whose answers are then checked against them.
"""
from __future__ import annotations

import pytest
import sympy
import torch

from autograder.course import COURSE_ROOT as REPO_ROOT
from autograder.fixtures import Oracle

ALPHA, LAM = sympy.symbols("alpha lam", positive=True)
W = sympy.Matrix(sympy.symbols("w1:4", real=True))
LOSS = sympy.Function("L")(*W)  # an arbitrary differentiable loss of w
PROVEN_FACTOR = 1 - 2 * ALPHA * LAM


@pytest.fixture(scope="module")
def problem3():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw4").problem3


def gradient(expr: sympy.Expr) -> sympy.Matrix:
    return sympy.Matrix([sympy.diff(expr, wi) for wi in W])


def test_the_gradient_of_the_penalty_is_two_lam_w():
    assert (gradient(LAM * (W.T * W)[0]) - 2 * LAM * W).applyfunc(sympy.expand).is_zero_matrix


def test_one_step_multiplies_w_by_one_minus_two_alpha_lam():
    step = W - ALPHA * gradient(LOSS + LAM * (W.T * W)[0])
    assert (step - (PROVEN_FACTOR * W - ALPHA * gradient(LOSS))).applyfunc(sympy.expand).is_zero_matrix
    assert PROVEN_FACTOR.free_symbols == {ALPHA, LAM}  # free of w and of the gradient


def test_the_reference_decay_factor_is_one_minus_two_alpha_lam(problem3):
    assert sympy.simplify(problem3.decay_factor(ALPHA, LAM) - PROVEN_FACTOR) == 0


def test_the_reference_l2_gd_step_is_the_proven_step_on_a_number(problem3):
    w, grad_l, alpha, lam = [0.5, -2.0, 3.0], [1.0, 0.25, -4.0], 0.125, 0.75
    answer = problem3.l2_gd_step(torch.tensor(w, dtype=torch.float64), torch.tensor(grad_l, dtype=torch.float64),
                                 alpha, lam)
    factor = float(PROVEN_FACTOR.subs({ALPHA: alpha, LAM: lam}))
    expected = [factor * wi - alpha * gi for wi, gi in zip(w, grad_l)]
    assert tuple(answer.shape) == (3,)
    assert all(abs(a - b) <= 1e-12 for a, b in zip(answer.tolist(), expected))
