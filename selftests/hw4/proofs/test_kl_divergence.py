"""Problem 8 (KL divergence), checked by integration.

The closed form KL(N(mu1, s1^2) || N(mu2, s2^2)) = log(s2/s1) + (s1^2 + (mu1 - mu2)^2)/(2 s2^2) - 1/2
is the integral of p log(p/q) over the real line, computed by sympy. Fitting Q = N(mu, s^2) by
forward KL is moment matching: KL(P || Q) = -H(P) - E_P[log q], H(P) does not depend on (mu, s), and
the only stationary point of the cross-entropy -E_P[log q] is mu = E_P[x], s^2 = Var_P[x], a
minimum. For 1/2 N(-2, 0.6^2) + 1/2 N(3, 1) the cross-entropy is integrated exactly and minimized:
mean 1/2, variance 693/100, s ~ 2.6325. These are the facts behind the reference's kl_gaussian and
forward_kl_gaussian_fit (and the discrete examples of kl_divergence), whose answers are then checked
against them.
"""
from __future__ import annotations

import functools
import math

import pytest
import sympy
import torch

from autograder.course import COURSE_ROOT as REPO_ROOT
from autograder.fixtures import Oracle

X = sympy.Symbol("x", real=True)
MU, MU1, MU2 = sympy.symbols("mu mu1 mu2", real=True)
S, S1, S2 = sympy.symbols("s s1 s2", positive=True)
PROVEN_KL = sympy.log(S2 / S1) + (S1**2 + (MU1 - MU2) ** 2) / (2 * S2**2) - sympy.Rational(1, 2)


@pytest.fixture(scope="module")
def problem8():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw4").problem8


def density(mu: sympy.Expr, s: sympy.Expr) -> sympy.Expr:
    return sympy.exp(-(X - mu) ** 2 / (2 * s**2)) / sympy.sqrt(2 * sympy.pi * s**2)


def log_density(mu: sympy.Expr, s: sympy.Expr) -> sympy.Expr:
    """log of `density`, expanded (force is safe: every factor is positive)."""
    return sympy.expand(sympy.expand_log(sympy.log(density(mu, s)), force=True))


def over_the_line(integrand: sympy.Expr) -> sympy.Expr:
    return sympy.integrate(integrand, (X, -sympy.oo, sympy.oo), conds="none")


# -------------------------------------------------------------------- the Gaussian KL
def test_the_log_density_is_the_familiar_quadratic():
    expected = -sympy.log(S) - sympy.log(2 * sympy.pi) / 2 - (X - MU) ** 2 / (2 * S**2)
    assert sympy.simplify(log_density(MU, S) - expected) == 0


def test_the_gaussian_kl_closed_form_by_integration():
    p = density(MU1, S1)
    log_ratio = sympy.expand(log_density(MU1, S1) - log_density(MU2, S2))
    kl = over_the_line(p * log_ratio)
    assert sympy.simplify(kl - PROVEN_KL) == 0
    assert sympy.simplify(over_the_line(p) - 1) == 0  # p is a density: the integral means something


def test_the_closed_form_vanishes_only_at_equal_gaussians_and_is_not_symmetric():
    assert sympy.simplify(PROVEN_KL.subs({MU2: MU1, S2: S1})) == 0
    swapped = PROVEN_KL.subs({MU1: MU2, MU2: MU1, S1: S2, S2: S1}, simultaneous=True)
    point = {MU1: 0, MU2: 1, S1: 1, S2: 2}
    assert sympy.simplify((PROVEN_KL - swapped).subs(point)) != 0
    # a number, integrated on its own: KL(N(0, 1) || N(1, 4)) = log 2 + 2/8 - 1/2
    numeric = over_the_line(density(0, 1) * sympy.expand(log_density(0, 1) - log_density(1, 2)))
    assert sympy.simplify(numeric - (sympy.log(2) - sympy.Rational(1, 4))) == 0
    assert sympy.simplify(PROVEN_KL.subs(point) - (sympy.log(2) - sympy.Rational(1, 4))) == 0


# --------------------------------------------------------------- moment matching
M1, M2 = sympy.symbols("M1 M2", real=True)  # E_P[x] and E_P[x^2]


def cross_entropy_in_moments() -> sympy.Expr:
    """-E_P[log q] for q = N(mu, s^2): -log q is a quadratic in x, so its expectation needs only
    the first two moments of P (by linearity: x -> M1, x^2 -> M2)."""
    poly = sympy.Poly(-log_density(MU, S), X)
    moments = {0: 1, 1: M1, 2: M2}
    return sympy.expand(sum(coefficient * moments[powers[0]] for powers, coefficient in poly.terms()))


def test_the_stationary_point_of_the_cross_entropy_matches_the_moments():
    ce = cross_entropy_in_moments()
    variance = sympy.Symbol("v", positive=True)  # Var_P[x] = M2 - M1^2 > 0
    ce = ce.subs(M2, variance + M1**2)
    solutions = sympy.solve([sympy.diff(ce, MU), sympy.diff(ce, S)], [MU, S], dict=True)
    assert solutions == [{MU: M1, S: sympy.sqrt(variance)}]
    hessian = sympy.hessian(ce, (MU, S)).subs(solutions[0]).applyfunc(sympy.simplify)
    assert hessian == sympy.diag(1 / variance, 2 / variance)  # positive definite: a minimum
    # and it is the global minimum: the cross-entropy blows up at both ends of s
    profile = ce.subs(MU, M1)
    assert sympy.limit(profile, S, 0, "+") == sympy.oo and sympy.limit(profile, S, sympy.oo) == sympy.oo


def test_kl_and_cross_entropy_differ_by_a_constant_for_gaussian_p():
    """With P Gaussian the KL is known in closed form: minus the cross-entropy it is -H(P), free of
    (mu, s), so both have the same minimizer."""
    ce = cross_entropy_in_moments().subs({M1: MU1, M2: S1**2 + MU1**2})
    kl = PROVEN_KL.subs({MU2: MU, S2: S})
    difference = sympy.simplify(kl - ce)
    assert difference.free_symbols <= {S1} and difference.free_symbols & {MU, S} == set()
    entropy = sympy.log(2 * sympy.pi * sympy.E * S1**2) / 2
    assert sympy.simplify(difference + entropy) == 0


WEIGHTS = (sympy.Rational(1, 2), sympy.Rational(1, 2))
MEANS = (-2, 3)
STDS = (sympy.Rational(3, 5), 1)


@functools.lru_cache(maxsize=None)
def expectation_under_a_component(integrand: sympy.Expr) -> sympy.Expr:
    """E[f(x)] for x ~ N(MU1, S1^2), integrated once with symbolic parameters. A mixture's
    expectation is then the weighted sum over its components (linearity of the integral); sympy
    handles one Gaussian at a time far better than the sum of two."""
    return sympy.simplify(over_the_line(sympy.expand(density(MU1, S1) * integrand)))


def mixture_expectation(integrand: sympy.Expr) -> sympy.Expr:
    component = expectation_under_a_component(integrand)
    return sympy.expand(sum(w * component.subs({MU1: m, S1: s}) for w, m, s in zip(WEIGHTS, MEANS, STDS)))


def test_the_mixture_moments_by_integration():
    assert mixture_expectation(sympy.S.One) == 1
    mean = mixture_expectation(X)
    second = mixture_expectation(X**2)
    assert expectation_under_a_component(X**2) == S1**2 + MU1**2
    assert mean == sympy.Rational(1, 2) == sum(w * m for w, m in zip(WEIGHTS, MEANS))
    assert second == sum(w * (s**2 + m**2) for w, m, s in zip(WEIGHTS, MEANS, STDS))
    assert second - mean**2 == sympy.Rational(693, 100)


def test_the_forward_kl_fit_of_the_mixture_by_minimizing_the_integrated_cross_entropy():
    ce = mixture_expectation(-log_density(MU, S))
    solutions = sympy.solve([sympy.diff(ce, MU), sympy.diff(ce, S)], [MU, S], dict=True)
    assert solutions == [{MU: sympy.Rational(1, 2), S: sympy.sqrt(sympy.Rational(693, 100))}]
    sigma = float(solutions[0][S])
    assert abs(sigma - 2.6325) < 5e-5
    # the typical mistakes are not stationary: one mode (reverse KL's answer), s = sum w_k s_k
    for wrong in ({MU: 3, S: 1}, {MU: sympy.Rational(1, 2), S: sympy.Rational(4, 5)}):
        assert sympy.diff(ce, MU).subs(wrong) != 0 or sympy.diff(ce, S).subs(wrong) != 0
        assert ce.subs(solutions[0]) < ce.subs(wrong)


def test_the_discrete_examples():
    """KL([1/2, 1/2, 0] || [1/4, 1/4, 1/2]) = ln 2 with 0 log 0 = 0; the reverse has q = 0 < p."""
    p = [sympy.Rational(1, 2), sympy.Rational(1, 2), 0]
    q = [sympy.Rational(1, 4), sympy.Rational(1, 4), sympy.Rational(1, 2)]
    forward = sum(pi * sympy.log(pi / qi) for pi, qi in zip(p, q) if pi != 0)
    assert sympy.simplify(forward - sympy.log(2)) == 0
    assert any(pi > 0 and qi == 0 for pi, qi in zip(q, p))  # KL(q || p) = +oo
    assert math.isclose(float(forward), math.log(2))


# ------------------------------------------------------------------ the reference's answers
def as_tensor(values) -> torch.Tensor:
    return torch.tensor([float(v) for v in values], dtype=torch.float64)


def test_the_reference_kl_gaussian_is_the_integrated_closed_form(problem8):
    answer = problem8.kl_gaussian(MU1, S1, MU2, S2)
    assert sympy.simplify(answer - PROVEN_KL) == 0


def test_the_reference_forward_kl_fit_of_the_mixture_is_the_integrated_minimizer(problem8):
    mu, sigma = problem8.forward_kl_gaussian_fit(as_tensor(WEIGHTS), as_tensor(MEANS), as_tensor(STDS))
    assert abs(mu - 0.5) <= 1e-12
    assert abs(sigma - math.sqrt(6.93)) <= 1e-12  # s = sqrt(693/100), not the variance


def test_the_reference_forward_kl_fit_matches_the_moments_on_three_components(problem8):
    """The proven stationary point mu = E_P[x], s = sqrt(Var_P[x]), with the moments of each
    component integrated (expectation_under_a_component), on a mixture other than the homework's."""
    weights = (sympy.Rational(1, 4), sympy.Rational(1, 2), sympy.Rational(1, 4))
    means, stds = (-1, sympy.Rational(1, 2), 4), (sympy.Rational(1, 2), 2, 1)
    first = sum(w * expectation_under_a_component(X).subs({MU1: m, S1: s}) for w, m, s in zip(weights, means, stds))
    second = sum(w * expectation_under_a_component(X**2).subs({MU1: m, S1: s})
                 for w, m, s in zip(weights, means, stds))
    mu, sigma = problem8.forward_kl_gaussian_fit(as_tensor(weights), as_tensor(means), as_tensor(stds))
    assert abs(mu - float(first)) <= 1e-12
    assert abs(sigma - float(sympy.sqrt(second - first**2))) <= 1e-12


def test_the_reference_kl_divergence_on_the_discrete_examples(problem8):
    p, q = [0.5, 0.5, 0.0], [0.25, 0.25, 0.5]
    assert abs(problem8.kl_divergence(p, q) - math.log(2)) <= 1e-12
    assert problem8.kl_divergence(q, p) == math.inf
    assert problem8.kl_divergence(p, p) == 0.0
