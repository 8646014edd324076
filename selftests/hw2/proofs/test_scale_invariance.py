"""Problem 3, checked symbolically: for a scale-invariant loss l(lam w) = l(w), the gradient at lam w
is (1/lam) times the gradient at w, and one normalized gradient step moves the direction
v = w/||w|| by -(eta/||w||^2)(I - v v^T) grad l(v) to first order (equation (2)). The reference's
answers are then checked against what was proved."""
from __future__ import annotations

import pytest
import sympy
import torch

from autograder import equivalence
from autograder.fixtures import Oracle
from autograder.course import COURSE_ROOT as REPO_ROOT

LAM = sympy.Symbol("lam", positive=True)
ETA = sympy.Symbol("eta", real=True)
X, Y = sympy.symbols("x y", real=True)
W = sympy.Matrix(sympy.symbols("w1:4", real=True))
G = sympy.Matrix(sympy.symbols("g1:4", real=True))  # any vector
NORM = sympy.sqrt(sum(entry**2 for entry in W))
V = W / NORM
PROJECTOR = sympy.eye(3) - V * V.T
COMPOSITE = sympy.Function("F")(*V)  # l(w) = F(w/||w||) for an arbitrary F on R^3
RATIONAL = (W[0] * W[1] + 2 * W[2] ** 2) / (W.T * W)[0]  # a concrete scale-invariant loss
PYTHAGOREAN_W = (2, 3, 6)  # ||w|| = 7: every quantity below stays rational


@pytest.fixture(scope="module")
def problem3():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw2").problem3


def gradient(loss: sympy.Expr, variables) -> sympy.Matrix:
    return sympy.Matrix([sympy.diff(loss, variable) for variable in variables])


def at_scaled_point(expr: sympy.Expr, variables, lam: sympy.Expr) -> sympy.Expr:
    """expr with every variable v replaced by lam*v; factor_terms turns sqrt(lam^2 S) into
    lam*sqrt(S), which holds because lam > 0."""
    return sympy.factor_terms(expr.subs({v: lam * v for v in variables}, simultaneous=True))


def vanishes(matrix: sympy.Matrix) -> bool:
    """Every entry is identically zero (expand, then combine powers of the same base)."""
    return matrix.applyfunc(lambda entry: sympy.powsimp(sympy.expand(entry))).is_zero_matrix


def normalized_step(w: sympy.Matrix, g: sympy.Matrix) -> sympy.Matrix:
    """The direction after one exact step of size eta along -g: (w - eta g)/||w - eta g||."""
    step = w - ETA * g
    return step / sympy.sqrt(sum(entry**2 for entry in step))


def proven_factor() -> sympy.Expr:
    """c(lam) with grad f(lam x, lam y) = c(lam) grad f(x, y) for f = y/x, read off the proof."""
    grad = gradient(Y / X, (X, Y))
    ratios = {sympy.simplify(at_scaled_point(g, (X, Y), LAM) / g) for g in grad}
    assert len(ratios) == 1, ratios  # one common factor for every component
    return ratios.pop()


# ------------------------------------------------------------------------------ part (a)
def test_y_over_x_is_scale_invariant_and_its_gradient_scales_by_one_over_lambda():
    assert sympy.simplify(at_scaled_point(Y / X, (X, Y), LAM) - Y / X) == 0
    grad = gradient(Y / X, (X, Y))
    assert vanishes(grad.applyfunc(lambda g: at_scaled_point(g, (X, Y), LAM)) - grad / LAM)
    assert proven_factor() == 1 / LAM


@pytest.mark.parametrize("loss", [COMPOSITE, RATIONAL], ids=["F(w/||w||)", "rational"])
def test_any_function_of_the_direction_has_gradients_that_scale_by_one_over_lambda(loss):
    assert sympy.expand(at_scaled_point(loss, W, LAM) - loss) == 0
    grad = gradient(loss, W)
    assert vanishes(grad.applyfunc(lambda g: at_scaled_point(g, W, LAM)) - grad / LAM)


def test_the_reference_scale_factor_is_the_proven_one(problem3):
    verdict = equivalence.equivalent(problem3.scaled_gradient_factor(LAM), proven_factor(), timeout=10)
    assert verdict.equal is True, verdict.reason


def test_the_reference_gradient_at_a_scaled_point_matches_the_exact_gradient(problem3):
    grad = gradient(Y / X, (X, Y))
    lam = sympy.Rational(5, 2)
    at_w = [g.subs({X: 3, Y: 5}) for g in grad]
    at_lam_w = [g.subs({X: lam * 3, Y: lam * 5}) for g in grad]
    got = problem3.gradient_at_scaled_point(as_tensor(at_w), float(lam))
    got = torch.as_tensor(got, dtype=torch.float64)
    assert torch.allclose(got, as_tensor(at_lam_w), rtol=1e-12, atol=0)


# --------------------------------------------------------------------------- equation (2)
def test_the_normalized_step_moves_v_by_the_projected_gradient_for_any_g():
    """d/d eta of (w - eta g)/||w - eta g|| at eta = 0 is -(1/||w||)(I - v v^T) g, for every g."""
    derivative = normalized_step(W, G).diff(ETA).subs(ETA, 0)
    assert vanishes(derivative + PROJECTOR * G / NORM)


def test_equation_2_as_a_first_order_series_in_eta():
    """The same, as sympy's series in eta (on R^2, to keep it fast)."""
    w, g = W[:2, :], G[:2, :]
    norm = sympy.sqrt(w[0] ** 2 + w[1] ** 2)
    v = w / norm
    series = normalized_step(w, g).applyfunc(lambda entry: sympy.series(entry, ETA, 0, 2).removeO())
    assert vanishes(series - (v - ETA * (sympy.eye(2) - v * v.T) * g / norm))


def test_equation_2_for_a_scale_invariant_loss():
    """With g = grad l(w) and, by part (a) at lam = 1/||w||, grad l(v) = ||w|| grad l(w), the
    first-order move is -(1/||w||^2)(I - v v^T) grad l(v)."""
    grad = gradient(COMPOSITE, W)
    grad_at_v = grad.applyfunc(lambda g: at_scaled_point(g, W, LAM)).subs(LAM, 1 / NORM)
    assert (grad_at_v - NORM * grad).applyfunc(sympy.together).is_zero_matrix
    move = (-PROJECTOR * G / NORM).subs(dict(zip(G, grad)))  # the derivative proved above
    assert vanishes(move + PROJECTOR * grad_at_v / NORM**2)


# ------------------------------------------------- the reference on an exact rational case
def as_tensor(values) -> torch.Tensor:
    return torch.tensor([float(value) for value in values], dtype=torch.float64)


def rational_case() -> tuple[list, list, list]:
    """v, g = grad l(w) and grad l(v) at w = (2, 3, 6) for the rational loss, all exact."""
    point = dict(zip(W, PYTHAGOREAN_W))
    grad = gradient(RATIONAL, W)
    at_w = [g.subs(point) for g in grad]
    v = [sympy.Rational(value, 7) for value in PYTHAGOREAN_W]
    at_v = [g.subs(dict(zip(W, v))) for g in grad]
    assert at_v == [7 * g for g in at_w]  # part (a) with lam = 1/||w||, exactly
    return v, at_w, at_v


def reference_update(problem3, v: list, grad_v: list, eta: float) -> torch.Tensor:
    return torch.as_tensor(problem3.direction_update(as_tensor(v), as_tensor(grad_v), eta, 7.0),
                           dtype=torch.float64)


@pytest.mark.parametrize("gradient_kind", ["of the loss", "not orthogonal to v"])
def test_the_reference_direction_update_is_the_first_order_series(problem3, gradient_kind):
    v, at_w, at_v = rational_case()
    if gradient_kind == "not orthogonal to v":  # the formula holds for any g: the projection must act
        at_v = [1, 2, 3]
        at_w = [sympy.Rational(entry, 7) for entry in at_v]
    slope = normalized_step(W, G).diff(ETA).subs(ETA, 0).subs({**dict(zip(W, PYTHAGOREAN_W)),
                                                               **dict(zip(G, at_w))})
    projector = sympy.eye(3) - sympy.Matrix(v) * sympy.Matrix(v).T
    assert slope == -projector * sympy.Matrix(at_v) / 49  # equation (2), exactly, at this point
    for eta in (1e-1, 1e-2, 1e-3):
        series = as_tensor([vi + eta * si for vi, si in zip(v, slope)])
        assert torch.allclose(reference_update(problem3, v, at_v, eta), series, rtol=1e-12, atol=1e-15)


def test_the_reference_direction_update_is_the_exact_step_up_to_eta_squared(problem3):
    v, at_w, at_v = rational_case()
    errors = []
    for eta in (1e-2, 5e-3, 2.5e-3):
        step = sympy.Matrix(PYTHAGOREAN_W) - sympy.Rational(eta) * sympy.Matrix(at_w)
        exact = as_tensor((step / step.norm()).evalf(30))
        errors.append(float(torch.linalg.vector_norm(reference_update(problem3, v, at_v, eta) - exact)))
    assert errors[0] > 1e-9  # the step is not trivially exact: the ratios below mean something
    for larger, smaller in zip(errors, errors[1:]):
        assert 3.5 < larger / smaller < 4.5  # halving eta quarters the error: O(eta^2)


def test_the_reference_effective_learning_rate_is_the_series_coefficient(problem3):
    got = problem3.effective_learning_rate(0.1, as_tensor(PYTHAGOREAN_W))
    assert got == pytest.approx(0.1 / 49, rel=1e-12)
