"""Public checks for Problem 6: convolution as a finite impulse response filter.

Expected values are recomputed here, never taken from a reference solution:

- 6.b convolve1d(x, h): numpy.convolve(x, h) (mode "full": length N + K - 1, index 0 at x[0] h[0])
  in float64, relative 1e-9 plus 1e-9 of the largest entry; h is asymmetric, so the
  cross-correlation (h not flipped) fails, and the message says so when that is what came back.
  The call must leave x and h unchanged.
- 6.b rect_response(n, L): for n = -6 ... 12 in one check, against the exact closed form (0 for
  n < 0, 2 - 2^-n up to L - 1, 2^(L-n) - 2^-n from L - 1 on, computed with Fractions) to 1e-12
  (relative for values above 1). A float, a Fraction or an exact sympy number is accepted; an
  expression in a symbol, a tensor of several values or None is not. All 19 values must be right,
  so the 0 expected for n < 0 pays only together with the others.

Points: 6.b here: convolve1d 0.5 + 0.5 (two cases), rect_response 0.5 + 0.5 (L = 4 and L = 1, the
impulse response itself); hidden: 1 and 1 on new inputs (2 + 2 = 4). The helpers below are shared
with the hidden checks.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy
import torch

from autograder.boundary.symbolic import StudentExpr, SymbolicRejected, rebuild
from autograder.boundary.wire import Opaque
from autograder.checks import (CheckFailed, as_array, as_real, assert_close_to_scale,
                               assert_no_mutations, opaque_detail, show, type_name)
from autograder.decorators import number, weight
from autograder.equivalence import equivalent
from tests.hw4.settings import SYMBOLIC_TIMEOUT

RTOL_CONVOLUTION = 1e-9
TOLERANCE_RECT = 1e-12
RECT_INDICES = range(-6, 13)  # n = -6 ... 12, the range of the problem's plot


# ----------------------------------------------------------------------------- convolve1d
def check_convolve1d(student: Any, x: torch.Tensor, h: torch.Tensor) -> None:
    """convolve1d(x, h) is numpy.convolve(x, h): the full sum, h flipped."""
    what = "convolve1d(x, h)"
    x64, h64 = x.to(torch.float64).numpy(), h.to(torch.float64).numpy()
    expected = np.convolve(x64, h64)
    outcome = student.call("problem6", "convolve1d", x, h)
    got = as_array(outcome.value, what, shape=expected.shape)
    inputs = f"x = {show(x64)}\nh = {show(h64)}\nexpected = {show(expected)}\ngot = {show(got)}"
    try:
        assert_close_to_scale(got, expected, f"{what} (expected the full convolution, index 0 at "
                              "x[0] h[0])", rtol=RTOL_CONVOLUTION, inputs=inputs)
    except CheckFailed as failure:
        correlation = np.convolve(x64, h64[::-1])
        if np.allclose(got, correlation, rtol=1e-6, atol=1e-9):
            raise CheckFailed(f"{what} is the cross-correlation (h not flipped): equation (1) "
                              "flips h, y[n] = sum_i x[i] h[n - i]", detail=failure.detail) from None
        raise
    assert_no_mutations(outcome, what)


CONVOLVE_CASES = {
    "N = 4, K = 3": (torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64),
                     torch.tensor([1.0, -1.0, 0.5], dtype=torch.float64)),
    "filter longer than signal": (torch.tensor([2.0, -1.0], dtype=torch.float64),
                                  torch.tensor([0.5, 1.0, 0.0, -2.0], dtype=torch.float64)),
}


@number("6.b")
@weight(1.0)
@pytest.mark.parametrize("case", CONVOLVE_CASES)
def test_convolve1d(student, case):
    """convolve1d(x, h) is the full convolution of equation (1), like numpy.convolve."""
    check_convolve1d(student, *CONVOLVE_CASES[case])


# -------------------------------------------------------------------------- rect_response
def rect_exact(n: int, L: int) -> Fraction:
    """y[n] for the rect of length L and h[n] = 2^-n u[n], as an exact Fraction."""
    if n < 0:
        return Fraction(0)
    if n <= L - 1:
        return 2 - Fraction(1, 2**n)
    return Fraction(2) ** (L - n) - Fraction(1, 2**n)


def as_number(value: Any, what: str) -> Fraction | float | sympy.Expr:
    """A returned real number: an exact Fraction (int, Fraction or sympy Integer/Rational), a float,
    or a numeric sympy expression that is not a plain number (judged by `equivalent`)."""
    if isinstance(value, bool):
        raise CheckFailed(f"{what} must be a number, got a bool")
    if type(value) is int:
        return Fraction(value)
    if isinstance(value, StudentExpr):
        try:
            expr = rebuild(value.tree, {})
        except SymbolicRejected as error:
            raise CheckFailed(f"{what} returned an expression that cannot be graded: {error.summary}",
                              detail=str(error)) from None
        if expr.free_symbols:
            raise CheckFailed(f"{what} must be a number, not an expression in a symbol")
        if isinstance(expr, sympy.Rational):  # Integer included
            return Fraction(int(expr.p), int(expr.q))
        if isinstance(expr, sympy.Float):
            value = float(expr)
            if not np.isfinite(value):
                raise CheckFailed(f"{what} must be finite")
            return value
        return expr
    if isinstance(value, Opaque):
        raise CheckFailed(f"{what} must be a number (a float, a Fraction or a sympy Rational), got "
                          f"{type_name(value)}", detail=opaque_detail(value))
    return as_real(value, what)


def close_enough(got: Fraction | float | sympy.Expr, expected: Fraction) -> bool:
    if isinstance(got, sympy.Expr):
        verdict = equivalent(got, sympy.Rational(expected.numerator, expected.denominator),
                             timeout=SYMBOLIC_TIMEOUT)
        return verdict.equal is True
    return abs(float(got - expected) if isinstance(got, Fraction) else got - float(expected)) \
        <= TOLERANCE_RECT * max(1.0, abs(float(expected)))


def check_rect_response(student: Any, L: int) -> None:
    """rect_response(n, L) is y[n] for every n = -6 ... 12."""
    what = "rect_response(n, L)"
    wrong: list[tuple[int, str]] = []
    for n in RECT_INDICES:
        got = as_number(student.problem6.rect_response(n, L), what)
        expected = rect_exact(n, L)
        if not close_enough(got, expected):
            shown = got if isinstance(got, sympy.Expr) else f"{float(got):.15g}"
            wrong.append((n, f"n = {n}: expected {float(expected):.15g} ({expected}), got {shown}"))
    if wrong:
        regions = sorted({"n < 0" if n < 0 else "0 <= n <= L - 1" if n <= L - 1 else "n > L - 1"
                          for n, _ in wrong})
        raise CheckFailed(f"{what} is wrong for some n in the range {', '.join(regions)}",
                          detail=f"L = {L}, {len(wrong)} of {len(RECT_INDICES)} values wrong:\n"
                                 + "\n".join(line for _, line in wrong))


@number("6.b")
@weight(1.0)
@pytest.mark.parametrize("L", [4, 1])
def test_rect_response(student, L):
    """rect_response(n, L) is y[n] for n = -6 ... 12 (L = 4, and L = 1: the impulse response)."""
    check_rect_response(student, L)
