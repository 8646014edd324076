"""Problem 1.2 (binary cross-entropy), checked symbolically.

A Bernoulli label with P(y = 1) = yhat has p(y) = yhat^y (1 - yhat)^(1 - y), so its negative
log-likelihood -log(yhat^y (1 - yhat)^(1 - y)) equals -(y log yhat + (1 - y) log(1 - yhat)) at y = 0
and at y = 1 (the grader's test points; with yhat in (0, 1) they even agree for every real y), while
the contract's typical mistakes differ from it at one of those labels. With yhat = sigmoid(h) the
loss's derivative in h is sigmoid(h) - y, and the formula is what torch's binary_cross_entropy
computes. These are the facts behind the reference's bce_symbolic and bce_loss, whose answers are
then checked against them.
"""
from __future__ import annotations

import pytest
import sympy
import torch

from autograder.course import COURSE_ROOT as REPO_ROOT
from autograder.fixtures import Oracle

Y = sympy.Symbol("y", real=True)
YHAT = sympy.Symbol("yhat", positive=True)
T = sympy.Symbol("t", positive=True)  # yhat = 1/(1 + t) runs over (0, 1) exactly
PROVEN = -(Y * sympy.log(YHAT) + (1 - Y) * sympy.log(1 - YHAT))
LIKELIHOOD_FORM = -sympy.log(YHAT**Y * (1 - YHAT) ** (1 - Y))
LABELS = (0, 1)


@pytest.fixture(scope="module")
def problem1():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw4").problem1


def agree_at_the_labels(a: sympy.Expr, b: sympy.Expr) -> bool:
    return all(sympy.simplify((a - b).subs(Y, label)) == 0 for label in LABELS)


def test_the_bernoulli_pmf_at_the_two_labels():
    pmf = YHAT**Y * (1 - YHAT) ** (1 - Y)
    assert pmf.subs(Y, 1) == YHAT and pmf.subs(Y, 0) == 1 - YHAT


def test_the_negative_log_likelihood_is_the_bce_at_both_labels():
    assert agree_at_the_labels(LIKELIHOOD_FORM, PROVEN)
    assert PROVEN.subs(Y, 1) == -sympy.log(YHAT) and PROVEN.subs(Y, 0) == -sympy.log(1 - YHAT)


def test_for_yhat_in_the_open_interval_they_agree_for_every_real_y():
    inside = {YHAT: 1 / (1 + T)}
    expanded = sympy.expand_log(sympy.together(LIKELIHOOD_FORM.subs(inside)), force=True)
    assert sympy.simplify(sympy.expand_log(PROVEN.subs(inside), force=True) - expanded) == 0


@pytest.mark.parametrize("name, wrong", [
    ("the log-likelihood, no minus sign", Y * sympy.log(YHAT) + (1 - Y) * sympy.log(1 - YHAT)),
    ("the (1 - y) term dropped", -Y * sympy.log(YHAT)),
    ("yhat and 1 - yhat swapped", -(Y * sympy.log(1 - YHAT) + (1 - Y) * sympy.log(YHAT))),
    ("squared error", (Y - YHAT) ** 2),
])
def test_the_typical_mistakes_differ_at_a_label(name, wrong):
    assert not agree_at_the_labels(wrong, PROVEN), name


def test_the_derivative_in_the_logit_is_sigmoid_minus_y():
    h = sympy.Symbol("h", real=True)
    sigmoid = 1 / (1 + sympy.exp(-h))
    assert sympy.simplify(sympy.diff(PROVEN.subs(YHAT, sigmoid), h) - (sigmoid - Y)) == 0


def test_the_formula_is_torchs_binary_cross_entropy():
    yhat = torch.tensor([1e-6, 0.2, 0.5, 0.9, 1 - 1e-6], dtype=torch.float64)
    y = torch.tensor([0.0, 1.0, 0.0, 1.0, 1.0], dtype=torch.float64)
    formula = sympy.lambdify((Y, YHAT), PROVEN, "math")
    values = torch.tensor([formula(float(a), float(b)) for a, b in zip(y, yhat)], dtype=torch.float64)
    expected = torch.nn.functional.binary_cross_entropy(yhat, y, reduction="none")
    assert torch.allclose(values, expected, rtol=1e-9, atol=0)  # log(1 - 1e-6) rounds a little differently
    assert torch.isclose(values.mean(), torch.nn.functional.binary_cross_entropy(yhat, y), rtol=1e-12)


# ------------------------------------------------------------------ the reference's answers
def test_the_reference_bce_symbolic_is_the_proven_loss(problem1):
    answer = problem1.bce_symbolic(Y, YHAT)
    assert sympy.simplify(answer - PROVEN) == 0
    assert agree_at_the_labels(answer, PROVEN)  # what the grader itself compares


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_the_reference_bce_loss_is_the_proven_formula_on_a_batch(problem1, reduction):
    yhat = [1e-6, 0.2, 0.5, 0.9, 1 - 1e-6]
    y = [0.0, 1.0, 0.0, 1.0, 1.0]
    formula = sympy.lambdify((Y, YHAT), PROVEN, "math")
    values = [formula(a, b) for a, b in zip(y, yhat)]
    expected = sum(values) / (len(values) if reduction == "mean" else 1)
    answer = problem1.bce_loss(torch.tensor(yhat, dtype=torch.float64), torch.tensor(y, dtype=torch.float64),
                               reduction=reduction)
    assert abs(float(answer) - expected) <= 1e-12 * abs(expected)
