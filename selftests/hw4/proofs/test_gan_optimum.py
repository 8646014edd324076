"""Problem 4 (GANs), checked symbolically.

4.1: for fixed G the discriminator maximizes, pointwise in x, a log D + b log(1 - D) with
a = p_data(x) > 0 and b = p_g(x) > 0; on (0, 1) that function has one critical point,
D* = a/(a + b), where its second derivative is negative and towards both ends of which it falls to
-oo: the unique maximum. At p_g = p_data, D* = 1/2 everywhere and V(D*, G) = -log 4 (the 003
student's -1.386 only approximates it).
4.3 (004's problem 5): d/dh log(1 - sigmoid(h)) = -sigmoid(h), which tends to 0 as h -> -oo: the
minimax generator loss has no gradient when the discriminator is sure a sample is fake.
These are the facts behind the reference's optimal_discriminator, optimal_gan_value and
generator_grad_wrt_logit, whose answers are then checked against them.
"""
from __future__ import annotations

import math

import pytest
import sympy
import torch

from autograder.course import COURSE_ROOT as REPO_ROOT
from autograder.fixtures import Oracle

A, B = sympy.symbols("a b", positive=True)
D = sympy.Symbol("D", positive=True)
T = sympy.Symbol("t", positive=True)  # D = 1/(1 + t) runs over (0, 1) exactly as t runs over (0, oo)
PROVEN_D = A / (A + B)
PROVEN_VALUE = -sympy.log(4)


@pytest.fixture(scope="module")
def problem4():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw4").problem4


def pointwise_objective(d: sympy.Expr) -> sympy.Expr:
    return A * sympy.log(d) + B * sympy.log(1 - d)


def test_the_only_critical_point_is_a_over_a_plus_b():
    objective = pointwise_objective(D)
    assert sympy.solve(sympy.diff(objective, D), D) == [PROVEN_D]
    assert (0 < PROVEN_D) == sympy.true and sympy.simplify(1 - PROVEN_D - B / (A + B)) == 0


def test_the_critical_point_is_the_maximum_on_the_open_interval():
    second = sympy.diff(pointwise_objective(D), D, 2)
    at_optimum = sympy.simplify(second.subs(D, PROVEN_D))
    assert sympy.simplify(at_optimum + (A + B) ** 3 / (A * B)) == 0 and at_optimum.is_negative
    # concave on all of (0, 1), not only at D*
    assert sympy.simplify(second.subs(D, 1 / (1 + T))).is_negative
    objective = pointwise_objective(D)
    assert sympy.limit(objective, D, 0, "+") == -sympy.oo
    assert sympy.limit(objective, D, 1, "-") == -sympy.oo


def test_the_optimal_value_at_p_g_equal_p_data_is_minus_log_4():
    x = sympy.Symbol("x", real=True)
    p_data = sympy.exp(-x**2 / 2) / sympy.sqrt(2 * sympy.pi)  # any density; p_g is the same one
    p_g = p_data
    d_star = sympy.simplify(PROVEN_D.subs({A: p_data, B: p_g}))
    assert d_star == sympy.Rational(1, 2)
    value = sympy.integrate(p_data * sympy.log(d_star) + p_g * sympy.log(1 - d_star), (x, -sympy.oo, sympy.oo),
                            conds="none")
    assert sympy.simplify(value - PROVEN_VALUE) == 0
    for form in (-2 * sympy.log(2), sympy.log(sympy.Rational(1, 4)), 2 * sympy.log(sympy.Rational(1, 2))):
        assert sympy.simplify(form - value) == 0  # equivalent forms the contract accepts
    approximate = -1.386  # the 003 student's number: within 1e-3 relative, but not equal
    assert sympy.simplify(value - approximate) != 0
    assert abs(approximate - float(value)) < 1e-3 * abs(float(value))


def test_the_pointwise_optimal_value():
    """a log(a/(a + b)) + b log(b/(a + b)), which at a = b is -a log 4."""
    combined = pointwise_objective(PROVEN_D).replace(sympy.log, lambda arg: sympy.log(sympy.factor(arg)))
    value = sympy.expand_log(combined, force=True)  # every argument is positive
    expected = A * sympy.log(A) + B * sympy.log(B) - (A + B) * sympy.log(A + B)
    assert sympy.expand(value - sympy.expand_log(expected, force=True)) == 0
    assert sympy.simplify(pointwise_objective(PROVEN_D).subs(B, A) / A + sympy.log(4)) == 0


def test_the_reference_optimal_discriminator_is_a_over_a_plus_b(problem4):
    p_data = [0.05, 0.3, 1.0, 2.5, 0.7]
    p_g = [0.4, 0.3, 0.01, 2.0, 1.9]
    answer = problem4.optimal_discriminator(torch.tensor(p_data, dtype=torch.float64),
                                            torch.tensor(p_g, dtype=torch.float64))
    assert tuple(answer.shape) == (len(p_data),)
    for value, a, b in zip(answer.tolist(), p_data, p_g):
        assert abs(value - float(PROVEN_D.subs({A: a, B: b}))) <= 1e-12
    assert answer[1].item() == 0.5  # p_g = p_data there: D* = 1/2 exactly


def test_the_reference_optimal_gan_value_is_minus_log_4(problem4):
    answer = sympy.sympify(problem4.optimal_gan_value())
    assert answer.free_symbols == set() and not answer.has(sympy.Float)  # exact, not -1.386
    assert sympy.simplify(answer - PROVEN_VALUE) == 0


# ------------------------------------------------------------------------------- 4.3
H = sympy.Symbol("h", real=True)


def sigmoid(h: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-h))


def test_the_sigmoid_derivative():
    assert sympy.simplify(sympy.diff(sigmoid(H), H) - sigmoid(H) * (1 - sigmoid(H))) == 0


def test_the_generator_gradient_wrt_the_logit_is_minus_sigmoid():
    gradient = sympy.diff(sympy.log(1 - sigmoid(H)), H)
    assert sympy.simplify(gradient + sigmoid(H)) == 0
    assert sympy.simplify(gradient - sigmoid(H)) != 0  # the sign matters
    assert sympy.limit(gradient, H, -sympy.oo) == 0  # D(G(z)) -> 0: the gradient vanishes
    assert sympy.limit(gradient, H, sympy.oo) == -1
    # the non-saturating loss -log D(G(z)) keeps a gradient of -1 there instead
    non_saturating = sympy.diff(-sympy.log(sigmoid(H)), H)
    assert sympy.limit(non_saturating, H, -sympy.oo) == -1
    assert math.isclose(float(gradient.subs(H, -20)), -1 / (1 + math.exp(20)), rel_tol=1e-12)


def test_the_reference_generator_gradient_is_minus_sigmoid(problem4):
    answer = problem4.generator_grad_wrt_logit(H)
    assert sympy.simplify(answer - sympy.diff(sympy.log(1 - sigmoid(H)), H)) == 0
    assert sympy.simplify(answer + sigmoid(H)) == 0
    assert sympy.limit(answer, H, -sympy.oo) == 0
