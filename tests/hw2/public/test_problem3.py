"""Public checks for Problem 3: scale invariance, l(lam w) = l(w) for every lam > 0.

Expected values come from properties recomputed here in float64, never from a reference solution:

- 3.a: gradient_at_scaled_point(grad l(w), lam) equals grad l(lam w), both gradients computed by
  autograd on a scale-invariant loss l(w) = F(w / ||w||); scaled_gradient_factor(lam) is sympy-
  equivalent to 1/lam.
- 3.b: effective_learning_rate is eta / ||w||^2 (rtol 1e-5, float32 rounding is far smaller);
  direction_update matches the formula v - (eta/||w||^2)(I - v v^T) g entrywise (rtol 1e-5 plus
  1e-6 of the largest entry), and differs from the direction after one true gradient-descent step
  by at most (eta' ||g||)^2, eta' = eta/||w||^2, for eta, eta/2, eta/4: the exact first-order update
  is off by about half of that, so its difference shrinks like eta^2, while any update that is
  wrong at first order (a wrong coefficient, a wrong sign) is off by a multiple of eta' ||g||.

Points: 3.a 0.5 + 0.5 here (gradient_at_scaled_point, scaled_gradient_factor), 0.5 + 0.5 hidden.
3.b here: effective_learning_rate 0.5, direction_update 0.75 (formula) + 0.75 (first order);
hidden: 0.5, 0.75, 0.75 on new inputs. The helpers below are shared with the hidden checks.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy
import torch

from autograder import equivalence
from tests.hw2.settings import SETTINGS
from autograder.checks import (CheckFailed, as_array, as_real,
                               assert_close_to_scale, assert_no_mutations, show)
from autograder.decorators import number, weight

RTOL = 1e-5            # relative tolerance on values: float32 rounding is ~1e-7
SYMBOLIC_TIMEOUT_S = SETTINGS.limits.symbolic_timeout_s  # assignment.toml [limits]
FIRST_ORDER_HALVINGS = 3  # eta, eta/2, eta/4


# ------------------------------------------------------------------------------- the loss
def scale_invariant_loss(w: torch.Tensor, coefficients: torch.Tensor) -> torch.Tensor:
    """l(w) = F(w / ||w||), F(u) = sum_i sin(c_i u_i) + (c . u)^2: smooth, and l(lam w) = l(w)."""
    u = w.reshape(-1) / torch.linalg.vector_norm(w)
    return torch.sin(coefficients * u).sum() + torch.dot(coefficients, u) ** 2


def loss_gradient(w: torch.Tensor, coefficients: torch.Tensor) -> torch.Tensor:
    """grad l(w) by autograd in float64, shaped like w."""
    point = w.detach().to(torch.float64).clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(scale_invariant_loss(point, coefficients.to(torch.float64)),
                                      point)
    return gradient


# ------------------------------------------------------------------------------------- 3.a
def check_gradient_at_scaled_point(student: Any, w: torch.Tensor, lam: float,
                                   coefficients: torch.Tensor, dtype: torch.dtype) -> None:
    """gradient_at_scaled_point(grad l(w), lam) equals grad l(lam w), both by autograd."""
    what = "gradient_at_scaled_point(grad_w, lam)"
    grad_w = loss_gradient(w, coefficients).to(dtype)
    expected = loss_gradient(lam * w.to(torch.float64), coefficients).numpy()
    outcome = student.call("problem3", "gradient_at_scaled_point", grad_w, lam)
    got = as_array(outcome.value, what, shape=tuple(grad_w.shape))
    inputs = f"grad_w ({dtype}) =\n{show(grad_w)}\nlam = {lam!r}"
    assert_close_to_scale(got, expected, f"{what} (expected grad l(lam w), the gradient of the "
                    "scale-invariant loss at the point lam * w)", rtol=RTOL, inputs=inputs)
    assert_no_mutations(outcome, what)


def check_scaled_gradient_factor(student: Any, lam: sympy.Symbol) -> None:
    """scaled_gradient_factor(lam) is sympy-equivalent to 1/lam."""
    value = student.problem3.scaled_gradient_factor(lam)
    equivalence.assert_equivalent(value, 1 / lam, [lam], "scaled_gradient_factor(lam)",
                               timeout=SYMBOLIC_TIMEOUT_S)


PUBLIC_COEFFICIENTS = torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64)
PUBLIC_W = torch.tensor([1.0, 0.0, -0.5, 1.5], dtype=torch.float64)


@number("3.a")
@weight(0.5)
def test_gradient_at_scaled_point(student):
    """gradient_at_scaled_point(grad l(w), 2.5) equals grad l(2.5 w) for a scale-invariant l."""
    check_gradient_at_scaled_point(student, PUBLIC_W, 2.5, PUBLIC_COEFFICIENTS, torch.float64)


@number("3.a")
@weight(0.5)
def test_scaled_gradient_factor(student):
    """scaled_gradient_factor(lam) is equivalent to 1/lam."""
    check_scaled_gradient_factor(student, sympy.Symbol("lam", positive=True))


# ------------------------------------------------------------------------------------- 3.b
def check_effective_learning_rate(student: Any, eta: float, w: torch.Tensor) -> None:
    """effective_learning_rate(eta, w) equals eta / ||w||^2, the norm over all entries of w."""
    what = "effective_learning_rate(eta, w)"
    outcome = student.call("problem3", "effective_learning_rate", eta, w)
    got = as_real(outcome.value, what)
    expected = eta / float(torch.sum(w.to(torch.float64) ** 2))
    if not abs(got - expected) <= RTOL * abs(expected):
        raise CheckFailed(f"{what} is not eta / ||w||_2^2 (norm over all entries of w)",
                          detail=f"eta = {eta!r}, w ({w.dtype}, shape {tuple(w.shape)}) =\n"
                                 f"{show(w)}\n"
                                 f"expected {expected:.10g}, got {got:.10g}")
    assert_no_mutations(outcome, what)


def call_direction_update(student: Any, v: torch.Tensor, grad_v: torch.Tensor, eta: float,
                          w_norm: float) -> np.ndarray:
    """The student's direction_update as float64, after type, shape and in-place checks."""
    what = "direction_update(v, grad_v, eta, w_norm)"
    outcome = student.call("problem3", "direction_update", v, grad_v, eta, w_norm)
    got = as_array(outcome.value, what, shape=tuple(v.shape))
    assert_no_mutations(outcome, what)
    return got


def check_direction_formula(student: Any, v: torch.Tensor, grad_v: torch.Tensor, eta: float,
                            w_norm: float) -> None:
    """direction_update equals v - (eta / w_norm^2)(I - v v^T) grad_v, not renormalized."""
    v64, g64 = v.to(torch.float64).numpy(), grad_v.to(torch.float64).numpy()
    expected = v64 - (eta / w_norm**2) * (g64 - v64 * np.dot(v64, g64))
    got = call_direction_update(student, v, grad_v, eta, w_norm)
    inputs = (f"v ({v.dtype}) = {show(v64)}\ngrad_v = {show(g64)}\n"
              f"eta = {eta!r}, w_norm = {w_norm!r}")
    assert_close_to_scale(got, expected,
                    "direction_update(v, grad_v, eta, w_norm) (expected v - (eta / w_norm^2)"
                    " (I - v v^T) grad_v, not renormalized)", rtol=RTOL, inputs=inputs)


def check_first_order(student: Any, w: torch.Tensor, eta: float,
                      coefficients: torch.Tensor) -> None:
    """direction_update differs from one true normalized gradient-descent step by O(eta^2)."""
    w = w.to(torch.float64)
    w_norm = float(torch.linalg.vector_norm(w))
    v = w / w_norm
    grad_v = loss_gradient(v, coefficients)
    report = []
    for halving in range(FIRST_ORDER_HALVINGS):
        step = eta / 2**halving
        moved = w - step * loss_gradient(w, coefficients)
        true_direction = (moved / torch.linalg.vector_norm(moved)).numpy()
        got = call_direction_update(student, v, grad_v, step, w_norm)
        difference = float(np.linalg.norm(got - true_direction))
        allowed = (step / w_norm**2 * float(torch.linalg.vector_norm(grad_v))) ** 2
        report.append(f"eta = {step:.6g}: ||difference|| = {difference:.6g}, allowed {allowed:.6g}")
        if not difference <= allowed:
            raise CheckFailed(
                "direction_update is not a first-order approximation of the true step: its "
                "difference from (w - eta grad l(w)) / ||w - eta grad l(w)|| must be O(eta^2), "
                "at most (eta' ||grad_v||)^2 with eta' = eta / ||w||^2",
                detail=f"w = {show(w)} (||w|| = {w_norm:.6g}), scale-invariant loss "
                       "l(w) = F(w/||w||), F(u) = sum_i sin(c_i u_i) + (c . u)^2, "
                       f"c = {show(coefficients)}\n" + "\n".join(report))


@number("3.b")
@weight(0.5)
def test_effective_learning_rate(student):
    """effective_learning_rate(0.5, [3, 4]) is 0.5 / 25 = 0.02."""
    check_effective_learning_rate(student, 0.5, torch.tensor([3.0, 4.0], dtype=torch.float64))


@number("3.b")
@weight(0.75)
def test_direction_update_formula(student):
    """direction_update returns v - (eta/||w||^2)(I - v v^T) g on a small example."""
    w = torch.tensor([2.0, -1.0, 2.0], dtype=torch.float64)  # ||w|| = 3
    coefficients = torch.tensor([1.5, -1.0, 2.0], dtype=torch.float64)
    v = w / 3.0
    check_direction_formula(student, v, loss_gradient(v, coefficients), 2.7, 3.0)


@number("3.b")
@weight(0.75)
def test_direction_update_first_order(student):
    """direction_update is within O(eta^2) of the direction after a true gradient-descent step."""
    w = torch.tensor([2.0, -1.0, 2.0], dtype=torch.float64)
    coefficients = torch.tensor([1.5, -1.0, 2.0], dtype=torch.float64)
    check_first_order(student, w, 1.8, coefficients)
