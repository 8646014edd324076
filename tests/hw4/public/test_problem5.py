"""Public checks for Problem 5: instance noise as ridge regression.

Expected values come from the closed forms of the contract recomputed here in float64, from the
grader's own Monte Carlo simulation of the noise, or from sympy, never from a reference solution:

- 5.a expected_noisy_loss: equals ||Xw - y||^2 + m sigma^2 ||w||^2 (relative 1e-9), and, in a
  check of its own, agrees with a seeded Monte Carlo estimate of E||(X + N)w - y||^2 (200,000 draws
  of the whole noise matrix N) within 4.5 standard errors of that estimate: dropping the factor m
  or leaving sigma unsquared puts a value dozens of standard errors away. (A value estimated by
  sampling with enough draws can earn the Monte Carlo check, never the closed-form one.)
  ridge_lambda(sigma, m) is sympy-equivalent to sigma^2 (m sigma^2, sigma and sigma^2/m are not).
  noisy_least_squares equals (X^T X + m sigma^2 I)^(-1) X^T y (relative 1e-7 plus 1e-7 of the
  largest entry); the message names the mistake (X^T X + sigma^2 I)^(-1) X^T y when it is made.
- 5.b: the grader derives the expected recurrence with sympy from the problem's definition: the
  expectation of L(w) = 1/2 (x~ w - y)^2 over x~ = x + n, n ~ N(0, sigma^2) (the moments of the
  Gaussian: E n = 0, E n^2 = sigma^2), then E[w_(t+1)] = E[w_t] - eta d/dw E[L](E[w_t]) (the
  gradient is linear in w and w_t is independent of the new noise), a map Ew -> (1 - eta q) Ew + c.
  expected_weight_step equals that map evaluated in float64 (relative 1e-9);
  max_learning_rate(x, sigma) is equivalent to the positive learning rate with |1 - eta q| = 1
  (sympy.solve), and expected_weight_limit(x, y, sigma) to the map's fixed point (sympy.solve;
  y/x, the noiseless weight, is not), with the grader's symbols (tests.hw4.settings.SYMBOLS: x
  and sigma positive, y real).

Every numerical check also requires that the call leaves its tensor arguments unchanged.

Points: 5.a here: expected_noisy_loss 0.75 (closed form) + 0.5 (Monte Carlo), ridge_lambda 0.5,
noisy_least_squares 1; hidden: 0.75, 0.5, 1 on new inputs (2.75 + 2.25 = 5). 5.b here: 0.5 for
each function; hidden: 0.5 each (1.5 + 1.5 = 3). The helpers below are shared with the hidden
checks.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import sympy
import torch

from autograder.checks import (CheckFailed, as_array, as_real, assert_close_to_scale,
                               assert_no_mutations, show)
from autograder.decorators import number, weight
from autograder.equivalence import assert_equivalent
from tests.hw4.settings import SYMBOLIC_TIMEOUT, SYMBOLS

RTOL_VALUE = 1e-9      # closed forms in float64
RTOL_SOLVE = 1e-7      # a linear solve (or an explicit inverse) of a well-conditioned system
MONTE_CARLO_DRAWS = 200_000
MONTE_CARLO_SEED = 546
MONTE_CARLO_STANDARD_ERRORS = 4.5


def as_f64(values: Any) -> np.ndarray:
    return torch.as_tensor(values).to(torch.float64).numpy()


# ------------------------------------------------------------------------------------- 5.a
def closed_form_noisy_loss(X: torch.Tensor, w: torch.Tensor, y: torch.Tensor, sigma: float) -> float:
    X64, w64, y64 = as_f64(X), as_f64(w), as_f64(y)
    residual = X64 @ w64 - y64
    return float(residual @ residual + X64.shape[0] * sigma**2 * (w64 @ w64))


def monte_carlo_noisy_loss(X: torch.Tensor, w: torch.Tensor, y: torch.Tensor, sigma: float,
                           draws: int = MONTE_CARLO_DRAWS, seed: int = MONTE_CARLO_SEED,
                           chunk: int = 20_000) -> tuple[float, float]:
    """(mean, standard error) of ||(X + N) w - y||^2 over `draws` seeded draws of the noise N."""
    X64, w64, y64 = as_f64(X), as_f64(w), as_f64(y)
    rng = np.random.default_rng(seed)
    losses = []
    for start in range(0, draws, chunk):
        noise = rng.normal(0.0, sigma, size=(min(chunk, draws - start), *X64.shape))
        residuals = (X64 + noise) @ w64 - y64
        losses.append(np.sum(residuals**2, axis=1))
    values = np.concatenate(losses)
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))


def call_expected_noisy_loss(student: Any, X, w, y, sigma: float) -> float:
    what = "expected_noisy_loss(X, w, y, sigma)"
    outcome = student.call("problem5", "expected_noisy_loss", X, w, y, sigma)
    got = as_real(outcome.value, what)
    assert_no_mutations(outcome, what)
    return got


def describe_inputs(**arrays: Any) -> str:
    return "\n".join(f"{name} = {show(value) if not isinstance(value, float) else repr(value)}"
                     for name, value in arrays.items())


def check_expected_noisy_loss(student: Any, X, w, y, sigma: float) -> None:
    """expected_noisy_loss equals ||Xw - y||^2 + m sigma^2 ||w||^2."""
    got = call_expected_noisy_loss(student, X, w, y, sigma)
    expected = closed_form_noisy_loss(X, w, y, sigma)
    if not abs(got - expected) <= RTOL_VALUE * abs(expected):
        raise CheckFailed("expected_noisy_loss(X, w, y, sigma) is not the exact expectation "
                          "E||X~ w - y||^2 over the noise",
                          detail=f"{describe_inputs(X=X, w=w, y=y, sigma=sigma)}\n"
                                 f"expected {expected:.12g}, got {got:.12g}")


def check_noisy_loss_monte_carlo(student: Any, X, w, y, sigma: float) -> None:
    """expected_noisy_loss agrees with the grader's seeded Monte Carlo estimate of the expectation."""
    got = call_expected_noisy_loss(student, X, w, y, sigma)
    mean, standard_error = monte_carlo_noisy_loss(X, w, y, sigma)
    allowed = MONTE_CARLO_STANDARD_ERRORS * standard_error
    if not abs(got - mean) <= allowed:
        raise CheckFailed(
            "expected_noisy_loss(X, w, y, sigma) disagrees with a Monte Carlo simulation of the "
            f"noise: it is more than {MONTE_CARLO_STANDARD_ERRORS} standard errors from the mean "
            "of ||(X + N) w - y||^2 over many draws of N",
            detail=f"{describe_inputs(X=X, w=w, y=y, sigma=sigma)}\n"
                   f"Monte Carlo ({MONTE_CARLO_DRAWS:,} draws): {mean:.8g} +- {standard_error:.3g} "
                   f"(standard error); got {got:.10g}")


def check_ridge_lambda(student: Any, sigma: sympy.Symbol, m: sympy.Symbol) -> None:
    """ridge_lambda(sigma, m) is sympy-equivalent to sigma^2."""
    value = student.problem5.ridge_lambda(sigma, m)
    assert_equivalent(value, sigma**2, {sigma.name: sigma, m.name: m}, "ridge_lambda(sigma, m)",
                      timeout=SYMBOLIC_TIMEOUT)


def check_noisy_least_squares(student: Any, X, y, sigma: float) -> None:
    """noisy_least_squares equals (X^T X + m sigma^2 I)^(-1) X^T y, the minimizer of the expectation."""
    what = "noisy_least_squares(X, y, sigma)"
    X64, y64 = as_f64(X), as_f64(y)
    m, n = X64.shape
    expected = np.linalg.solve(X64.T @ X64 + m * sigma**2 * np.eye(n), X64.T @ y64)
    outcome = student.call("problem5", "noisy_least_squares", X, y, sigma)
    got = as_array(outcome.value, what, shape=(n,))
    try:
        assert_close_to_scale(got, expected, f"{what} (expected the minimizer of E||X~ w - y||^2)",
                              rtol=RTOL_SOLVE, inputs=describe_inputs(X=X, y=y, sigma=sigma))
    except CheckFailed as failure:
        unscaled = np.linalg.solve(X64.T @ X64 + sigma**2 * np.eye(n), X64.T @ y64)
        if np.allclose(got, unscaled, rtol=1e-6, atol=1e-9):
            raise CheckFailed(f"{what} is (X^T X + sigma^2 I)^(-1) X^T y: the noise of all m rows "
                              "adds m sigma^2 ||w||^2 to the expected loss, so the ridge term is "
                              "m sigma^2 I", detail=failure.detail) from None
        raise
    assert_no_mutations(outcome, what)


PUBLIC_X = torch.tensor([[1.0, 2.0], [0.0, 1.0], [3.0, -1.0], [1.0, 1.0]], dtype=torch.float64)
PUBLIC_W = torch.tensor([0.5, -1.0], dtype=torch.float64)
PUBLIC_Y = torch.tensor([1.0, 0.0, 2.0, -1.0], dtype=torch.float64)
PUBLIC_SIGMA = 0.7


@number("5.a")
@weight(0.75)
def test_expected_noisy_loss(student):
    """expected_noisy_loss is ||Xw - y||^2 + m sigma^2 ||w||^2 on a 4 x 2 example."""
    check_expected_noisy_loss(student, PUBLIC_X, PUBLIC_W, PUBLIC_Y, PUBLIC_SIGMA)


@number("5.a")
@weight(0.5)
def test_expected_noisy_loss_monte_carlo(student):
    """expected_noisy_loss agrees with a Monte Carlo simulation of the noise on the same example."""
    check_noisy_loss_monte_carlo(student, PUBLIC_X, PUBLIC_W, PUBLIC_Y, PUBLIC_SIGMA)


@number("5.a")
@weight(0.5)
def test_ridge_lambda(student):
    """ridge_lambda(sigma, m) is equivalent to sigma^2."""
    check_ridge_lambda(student, SYMBOLS["sigma"], SYMBOLS["m"])


@number("5.a")
@weight(1.0)
def test_noisy_least_squares(student):
    """noisy_least_squares is (X^T X + m sigma^2 I)^(-1) X^T y on a 5 x 3 example."""
    X = torch.tensor([[1.0, 0.0, 2.0], [0.5, 1.0, -1.0], [2.0, -1.0, 0.0], [0.0, 3.0, 1.0],
                      [-1.0, 1.0, 1.0]], dtype=torch.float64)
    y = torch.tensor([1.0, -2.0, 0.5, 3.0, 1.0], dtype=torch.float64)
    check_noisy_least_squares(student, X, y, 0.6)


# ------------------------------------------------------------------------------------- 5.b
def gaussian_expectation(expr: sympy.Expr, n: sympy.Symbol, sigma: sympy.Expr) -> sympy.Expr:
    """E[expr] over n ~ N(0, sigma^2) for an expression polynomial in n, by the moments of the
    Gaussian: E n^k = 0 for odd k, sigma^k (k - 1)!! for even k."""
    poly = sympy.Poly(sympy.expand(expr), n)
    return sympy.expand(sum(coefficient * (sigma**k * sympy.factorial2(k - 1) if k % 2 == 0 else 0)
                            for (k,), coefficient in poly.terms()))


def derived_weight_map(x: sympy.Expr, y: sympy.Expr, sigma: sympy.Expr,
                       eta: sympy.Expr) -> tuple[sympy.Symbol, sympy.Expr]:
    """(Ew, E[w_(t+1)] as an expression of Ew = E[w_t]), derived from the definition: gradient
    descent on L(w) = 1/2 ((x + n) w - y)^2 with fresh noise n ~ N(0, sigma^2) at every step. The
    gradient is linear in w and w_t is independent of the step's noise, so E[w_(t+1)] is the step
    on the expected loss taken at E[w_t]."""
    w, n = sympy.Dummy("Ew", real=True), sympy.Dummy("n", real=True)
    expected_loss = gaussian_expectation(sympy.Rational(1, 2) * ((x + n) * w - y)**2, n, sigma)
    return w, sympy.expand(w - eta * sympy.diff(expected_loss, w))


def check_expected_weight_step(student: Any, Ew: float, x: float, y: float, sigma: float,
                               eta: float) -> None:
    """expected_weight_step equals E[w_(t+1)] of the derived recurrence, evaluated in float64."""
    what = "expected_weight_step(Ew, x, y, sigma, eta)"
    got = as_real(student.problem5.expected_weight_step(Ew, x, y, sigma, eta), what)
    symbols = sympy.symbols("x y sigma eta", real=True)
    w, step = derived_weight_map(*symbols)
    expected = float(sympy.lambdify((w, *symbols), step, modules="math")(Ew, x, y, sigma, eta))
    if not abs(got - expected) <= RTOL_VALUE * max(abs(expected), 1e-12):
        raise CheckFailed(f"{what} is not E[w_(t+1)] of gradient descent on the noisy point",
                          detail=f"Ew = {Ew!r}, x = {x!r}, y = {y!r}, sigma = {sigma!r}, "
                                 f"eta = {eta!r}: expected {expected:.12g}, got {got:.12g}")


def derived_max_learning_rate(x: sympy.Symbol, sigma: sympy.Symbol) -> sympy.Expr:
    """The positive eta at which the derived map Ew -> (1 - eta q) Ew + c stops contracting:
    |1 - eta q| = 1 with eta != 0, i.e. 1 - eta q = -1."""
    eta, y = sympy.Dummy("eta", positive=True), sympy.Dummy("y", real=True)
    w, step = derived_weight_map(x, y, sigma, eta)
    multiplier = step.coeff(w)  # 1 - eta q
    roots = [root for root in sympy.solve(sympy.Eq(multiplier, -1), eta) if root != 0]
    assert len(roots) == 1, roots
    return sympy.simplify(roots[0])


def derived_weight_limit(x: sympy.Symbol, y: sympy.Symbol, sigma: sympy.Symbol) -> sympy.Expr:
    """The fixed point of the derived map Ew -> E[w_(t+1)] (where E[w_t] converges to)."""
    eta = sympy.Dummy("eta", positive=True)
    w, step = derived_weight_map(x, y, sigma, eta)
    roots = sympy.solve(sympy.Eq(step, w), w)
    assert len(roots) == 1, roots
    return sympy.simplify(roots[0])


def check_max_learning_rate(student: Any, x: sympy.Symbol, sigma: sympy.Symbol) -> None:
    """max_learning_rate(x, sigma) is sympy-equivalent to the derived stability bound."""
    value = student.problem5.max_learning_rate(x, sigma)
    assert_equivalent(value, derived_max_learning_rate(x, sigma), {x.name: x, sigma.name: sigma},
                      "max_learning_rate(x, sigma)", timeout=SYMBOLIC_TIMEOUT)


def check_expected_weight_limit(student: Any, x: sympy.Symbol, y: sympy.Symbol,
                                sigma: sympy.Symbol) -> None:
    """expected_weight_limit(x, y, sigma) is sympy-equivalent to the derived fixed point."""
    value = student.problem5.expected_weight_limit(x, y, sigma)
    table: Mapping[str, sympy.Symbol] = {x.name: x, y.name: y, sigma.name: sigma}
    assert_equivalent(value, derived_weight_limit(x, y, sigma), table,
                      "expected_weight_limit(x, y, sigma)", timeout=SYMBOLIC_TIMEOUT)


@number("5.b")
@weight(0.5)
def test_expected_weight_step(student):
    """expected_weight_step(0.3, 1.5, -2, 0.8, 0.1) is one step of the expected recurrence."""
    check_expected_weight_step(student, 0.3, 1.5, -2.0, 0.8, 0.1)


@number("5.b")
@weight(0.5)
def test_max_learning_rate(student):
    """max_learning_rate(x, sigma) is the largest learning rate for which E[w_t] converges."""
    check_max_learning_rate(student, SYMBOLS["x"], SYMBOLS["sigma"])


@number("5.b")
@weight(0.5)
def test_expected_weight_limit(student):
    """expected_weight_limit(x, y, sigma) is lim E[w_t], shrunk by the noise (not y/x)."""
    check_expected_weight_limit(student, SYMBOLS["x"], SYMBOLS["y"], SYMBOLS["sigma"])
