"""Public checks for Problem 8: the KL divergence.

Expected values come from the definitions recomputed here in float64, or from sympy, never from a
reference solution:

- kl_divergence(p, q): sum over p_i > 0 of p_i log(p_i / q_i), in nats, with 0 log 0 = 0 and +inf
  where some q_i = 0 < p_i. The problem's example KL([1/2, 1/2, 0] || [1/4, 1/4, 1/2]) = log 2 is
  asked with p and q as lists, NumPy arrays, float64 and float32 tensors, and must be right for
  every type (relative 1e-9; 2e-6 for float32 inputs). The reverse, KL(q || p) = inf, is asked
  together with a finite companion case, so a constant inf earns nothing. A NaN is never right;
  the message names the swapped arguments and log2 (bits) when those are what came back. Tensor
  and array arguments must come back unchanged.
- kl_gaussian(mu1, sigma1, mu2, sigma2) is sympy-equivalent to log(sigma2/sigma1) +
  (sigma1^2 + (mu1 - mu2)^2)/(2 sigma2^2) - 1/2 (mu real, sigma positive symbols).
- forward_kl_gaussian_fit on the problem's mixture 1/2 N(-2, 0.6^2) + 1/2 N(3, 1) gives mu = 0.5 and
  sigma = sqrt(6.93) = 2.6325 (relative 1e-9): moment matching, not one mode, not sum w_k sigma_k.

Points (4 for the part): here kl_divergence 0.5 (the example) + 0.5 (infinite and finite),
kl_gaussian 0.5, forward_kl_gaussian_fit 0.5; hidden: the same on new inputs. The helpers below are
shared with the hidden checks.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy
import torch

from autograder.checks import (CheckFailed, as_array, as_real, assert_no_mutations,
                               opaque_detail, type_name)
from autograder.decorators import number, weight
from autograder.equivalence import assert_equivalent
from tests.hw4.settings import SYMBOLIC_TIMEOUT

RTOL = 1e-9
RTOL_FLOAT32 = 2e-6  # float32 inputs may be summed in float32


def to_f64(values: Any) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        return values.to(torch.float64).numpy()
    return np.asarray(values, dtype=np.float64)


def kl_expected(p: Any, q: Any) -> float:
    p64, q64 = to_f64(p), to_f64(q)
    support = p64 > 0
    if np.any(q64[support] == 0):
        return math.inf
    return float(np.sum(p64[support] * np.log(p64[support] / q64[support])))


def as_divergence(value: Any, what: str) -> float:
    """A returned number that may be +inf: an int or float, or a one-element tensor or array."""
    if isinstance(value, bool):
        raise CheckFailed(f"{what} must be a number, got a bool")
    if isinstance(value, (int, float)):
        number = float(value)
    elif (isinstance(value, torch.Tensor) and value.numel() == 1
          or isinstance(value, np.ndarray) and value.size == 1):
        number = float(as_array(value, what, allow_nonfinite=True).reshape(()))
    else:
        raise CheckFailed(f"{what} must be a number, got {type_name(value)}", detail=opaque_detail(value))
    if math.isnan(number):
        raise CheckFailed(f"{what} returned NaN: an outcome with p_i = 0 adds 0 (0 log 0 = 0), and "
                          "q_i = 0 < p_i gives +inf")
    return number


def kind_of(values: Any) -> str:
    if isinstance(values, torch.Tensor):
        return f"{values.dtype} tensor"
    return "NumPy array" if isinstance(values, np.ndarray) else "list"


def check_kl_divergence(student: Any, p: Any, q: Any) -> None:
    """kl_divergence(p, q) is sum p_i log(p_i / q_i) in nats, 0 log 0 = 0, inf where q_i = 0 < p_i."""
    what = f"kl_divergence(p, q) with p and q given as a {kind_of(p)}"
    outcome = student.call("problem8", "kl_divergence", p, q)
    got = as_divergence(outcome.value, what)
    expected = kl_expected(p, q)
    detail = f"p = {to_f64(p).tolist()}\nq = {to_f64(q).tolist()}\nexpected {expected!r}, got {got!r}"
    if math.isinf(expected):
        if not (math.isinf(got) and got > 0):
            raise CheckFailed(f"{what} must be +inf when some q_i = 0 < p_i", detail=detail)
    else:
        float32 = any(isinstance(v, torch.Tensor) and v.dtype == torch.float32 for v in (p, q))
        if not abs(got - expected) <= (RTOL_FLOAT32 if float32 else RTOL) * abs(expected) + 1e-12:
            swapped = kl_expected(q, p)
            if math.isfinite(got) and not math.isclose(swapped, expected) and \
                    math.isclose(got, swapped, rel_tol=1e-6, abs_tol=1e-12):
                raise CheckFailed(f"{what} is KL(q || p): the arguments are swapped", detail=detail)
            if expected != 0 and math.isclose(got, expected / math.log(2), rel_tol=1e-6):
                raise CheckFailed(f"{what} uses log base 2 (bits): the KL divergence here is in nats",
                                  detail=detail)
            raise CheckFailed(f"{what} is not D_KL(P || Q) in nats", detail=detail)
    assert_no_mutations(outcome, what)


def each_type(p: list[float], q: list[float]) -> list[tuple[Any, Any]]:
    """The same distributions as lists, NumPy arrays, float64 and float32 tensors."""
    return [(list(p), list(q)), (np.array(p), np.array(q)),
            (torch.tensor(p, dtype=torch.float64), torch.tensor(q, dtype=torch.float64)),
            (torch.tensor(p, dtype=torch.float32), torch.tensor(q, dtype=torch.float32))]


EXAMPLE_P = [0.5, 0.5, 0.0]
EXAMPLE_Q = [0.25, 0.25, 0.5]


@number("8")
@weight(0.5)
def test_kl_divergence_example(student):
    """KL([1/2, 1/2, 0] || [1/4, 1/4, 1/2]) = log 2, with p and q as lists, arrays and tensors."""
    for p, q in each_type(EXAMPLE_P, EXAMPLE_Q):
        check_kl_divergence(student, p, q)


@number("8")
@weight(0.5)
def test_kl_divergence_infinite_and_finite(student):
    """KL([1/4, 1/4, 1/2] || [1/2, 1/2, 0]) = inf, and KL([0.2, 0.5, 0.3] || [0.1, 0.6, 0.3]) is finite."""
    check_kl_divergence(student, torch.tensor(EXAMPLE_Q, dtype=torch.float64),
                        torch.tensor(EXAMPLE_P, dtype=torch.float64))
    check_kl_divergence(student, torch.tensor([0.2, 0.5, 0.3], dtype=torch.float64),
                        torch.tensor([0.1, 0.6, 0.3], dtype=torch.float64))


# ---------------------------------------------------------------------------- kl_gaussian
def check_kl_gaussian(student: Any, mu1: sympy.Symbol, sigma1: sympy.Symbol, mu2: sympy.Symbol,
                      sigma2: sympy.Symbol) -> None:
    value = student.problem8.kl_gaussian(mu1, sigma1, mu2, sigma2)
    expected = (sympy.log(sigma2 / sigma1) + (sigma1**2 + (mu1 - mu2) ** 2) / (2 * sigma2**2)
                - sympy.Rational(1, 2))
    symbols = {s.name: s for s in (mu1, sigma1, mu2, sigma2)}
    assert_equivalent(value, expected, symbols, "kl_gaussian(mu1, sigma1, mu2, sigma2)",
                      timeout=SYMBOLIC_TIMEOUT)


@number("8")
@weight(0.5)
def test_kl_gaussian(student):
    """kl_gaussian is log(s2/s1) + (s1^2 + (m1 - m2)^2)/(2 s2^2) - 1/2."""
    check_kl_gaussian(student, sympy.Symbol("mu1", real=True), sympy.Symbol("sigma1", positive=True),
                      sympy.Symbol("mu2", real=True), sympy.Symbol("sigma2", positive=True))


# ---------------------------------------------------------------- forward_kl_gaussian_fit
def check_forward_fit(student: Any, weights: list[float], means: list[float], stds: list[float]) -> None:
    what = "forward_kl_gaussian_fit(weights, means, stds)"
    args = [torch.tensor(v, dtype=torch.float64) for v in (weights, means, stds)]
    outcome = student.call("problem8", "forward_kl_gaussian_fit", *args)
    value = outcome.value
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim == 1:
        value = tuple(as_array(value, what, shape=(2,)))
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise CheckFailed(f"{what} must return a pair (mu, sigma)", detail=f"got {type_name(value)}")
    mu, sigma = as_real(value[0], f"{what}'s mu"), as_real(value[1], f"{what}'s sigma")
    w, m, s = (np.array(v, dtype=np.float64) for v in (weights, means, stds))
    expected_mu = float(np.sum(w * m))
    expected_sigma = math.sqrt(float(np.sum(w * (s**2 + m**2))) - expected_mu**2)
    detail = (f"weights = {weights}, means = {means}, stds = {stds}: expected "
              f"({expected_mu!r}, {expected_sigma!r}), got ({mu!r}, {sigma!r})")
    if not math.isclose(mu, expected_mu, rel_tol=RTOL, abs_tol=1e-12):
        raise CheckFailed(f"{what}'s mu is not the mean of the mixture", detail=detail)
    if not math.isclose(sigma, expected_sigma, rel_tol=RTOL):
        if math.isclose(sigma, expected_sigma**2, rel_tol=1e-6):
            raise CheckFailed(f"{what}'s sigma is the variance: return the standard deviation",
                              detail=detail)
        raise CheckFailed(f"{what}'s sigma is not the standard deviation of the mixture (the "
                          "within-component and the between-component spread)", detail=detail)
    assert_no_mutations(outcome, what)


@number("8")
@weight(0.5)
def test_forward_kl_gaussian_fit(student):
    """The forward-KL fit of 1/2 N(-2, 0.6^2) + 1/2 N(3, 1) is mu = 0.5, sigma = sqrt(6.93) = 2.6325."""
    check_forward_fit(student, [0.5, 0.5], [-2.0, 3.0], [0.6, 1.0])
