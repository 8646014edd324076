"""Problem 6 (convolution as an FIR filter), checked from the definition.

For the rect x[k] = 1 on k = 0 ... L-1 and h[n] = 2^-n u[n], y[n] = sum_k x[k] h[n - k] has the
terms 2^(k-n) for 0 <= k <= min(n, L - 1) and no others, so summing them (sympy.summation, n and L
symbolic integers) gives three cases: 0 for n < 0, 2 - 2^-n for 0 <= n <= L - 1 and
2^(L-n) - 2^-n for n >= L - 1, the last two agreeing at n = L - 1. The cases are then compared with
the raw definition, with exact rationals, for small L and n = -6 ... 12 (the range the homework
plots), and with numpy.convolve. These are the facts behind the reference's rect_response and
convolve1d, whose answers are then checked against them.
"""
from __future__ import annotations

from fractions import Fraction

import numpy
import pytest
import sympy
import torch

from autograder.course import COURSE_ROOT as REPO_ROOT
from autograder.fixtures import Oracle

K = sympy.Symbol("k", integer=True)
L = sympy.Symbol("L", integer=True, positive=True)
N_INSIDE = sympy.Symbol("n", integer=True, nonnegative=True)  # 0 <= n (and n <= L - 1 where used)
J = sympy.Symbol("j", integer=True, nonnegative=True)  # n = L - 1 + j >= L - 1
NEGATIVE = sympy.Symbol("n", integer=True, negative=True)


@pytest.fixture(scope="module")
def problem6():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw4").problem6


def term(k, n):
    """x[k] h[n - k] with x the rect of length L: 2^(k - n) when 0 <= k <= L - 1 and k <= n."""
    return sympy.Piecewise((2 ** (k - n), (k >= 0) & (k <= L - 1) & (k <= n)), (0, True))


PROVEN = {
    "before": sympy.S.Zero,
    "rising": 2 - 2**-N_INSIDE,
    "decaying": 2 ** (L - N_INSIDE) - 2**-N_INSIDE,
}


def proven_response(n: int, length: int) -> sympy.Expr:
    if n < 0:
        return PROVEN["before"]
    case = "rising" if n <= length - 1 else "decaying"
    return PROVEN[case].subs({N_INSIDE: n, L: length})


# ------------------------------------------------------------------ the three cases
def test_no_term_survives_before_zero():
    """For n < 0 every k in the rect has n - k < 0, where u vanishes."""
    assert sympy.summation(term(K, NEGATIVE).subs(L, 8), (K, 0, 7)) == 0  # h's support misses the rect
    assert sympy.summation(sympy.S.Zero, (K, 0, L - 1)) == 0


def test_the_rising_case_sums_to_two_minus_two_to_the_minus_n():
    """0 <= n <= L - 1: the terms k = 0 ... n are 2^(k - n), those k = n + 1 ... L - 1 are 0."""
    inside = sympy.summation(2 ** (K - N_INSIDE), (K, 0, N_INSIDE))
    outside = sympy.summation(sympy.S.Zero, (K, N_INSIDE + 1, L - 1))
    assert sympy.simplify(inside + outside - PROVEN["rising"]) == 0


def test_the_decaying_case_sums_to_two_to_the_l_minus_n_minus_two_to_the_minus_n():
    """n = L - 1 + j >= L - 1: every k = 0 ... L - 1 has k <= n, all L terms are 2^(k - n)."""
    n = L - 1 + J
    total = sympy.summation(2 ** (K - n), (K, 0, L - 1))
    assert sympy.simplify(total - PROVEN["decaying"].subs(N_INSIDE, n)) == 0


def test_the_two_formulas_agree_at_l_minus_1():
    at = {N_INSIDE: L - 1}
    assert sympy.simplify(PROVEN["rising"].subs(at) - PROVEN["decaying"].subs(at)) == 0
    assert sympy.simplify(PROVEN["rising"].subs(at) - (2 - 2 ** (1 - L))) == 0


def test_the_response_tends_to_zero_after_the_rect_and_to_two_inside_a_long_one():
    assert sympy.limit(PROVEN["decaying"], N_INSIDE, sympy.oo) == 0
    assert sympy.limit(PROVEN["rising"], N_INSIDE, sympy.oo) == 2


# ---------------------------------------------------------- against the definition
def by_definition(n: int, length: int) -> Fraction:
    """sum over k of x[k] h[n - k], over a window that covers every nonzero term."""
    x = lambda k: 1 if 0 <= k <= length - 1 else 0
    h = lambda k: Fraction(1, 2**k) if k >= 0 else 0
    return sum((x(k) * h(n - k) for k in range(-30, 60)), Fraction(0))


@pytest.mark.parametrize("length", [1, 2, 3, 5, 8])
def test_the_cases_match_the_definition_exactly(length):
    for n in range(-6, 13):
        assert proven_response(n, length) == sympy.Rational(by_definition(n, length)), (n, length)
        piecewise = sympy.summation(term(K, n).subs(L, length), (K, -10, 20))
        assert piecewise == proven_response(n, length), (n, length)


@pytest.mark.parametrize("length", [1, 4, 7])
def test_the_cases_match_numpy_convolve(length):
    """numpy.convolve's full output starts at x[0]h[0]: index n of it is y[n] for n >= 0 while
    the truncated h (64 taps) still covers every term."""
    h = 0.5 ** numpy.arange(64)
    full = numpy.convolve(numpy.ones(length), h)
    for n in range(0, 13):
        assert full[n] == pytest.approx(float(proven_response(n, length)), abs=1e-12)


def test_shifting_the_input_shifts_the_output():
    """x2[n] = x[n - 5]: y2[n] = y[n - 5] (shift equivariance, 004's last question on it)."""
    length, shift = 4, 5
    x = lambda k: 1 if 0 <= k <= length - 1 else 0
    h = lambda k: Fraction(1, 2**k) if k >= 0 else 0
    for n in range(-6, 20):
        shifted = sum((x(k - shift) * h(n - k) for k in range(-30, 60)), Fraction(0))
        assert shifted == by_definition(n - shift, length)


# ------------------------------------------------------------------ the reference's answers
@pytest.mark.parametrize("length", [1, 2, 3, 5, 8])
def test_the_reference_rect_response_is_the_proven_three_cases(problem6, length):
    for n in range(-6, 13):
        answer = float(problem6.rect_response(n, length))
        assert abs(answer - float(proven_response(n, length))) <= 1e-12, (n, length)


@pytest.mark.parametrize("length", [1, 4, 7])
def test_the_reference_convolve1d_of_the_rect_is_the_proven_response(problem6, length):
    """With h truncated to 64 taps the full convolution is y[n] exactly for n = 0 ... 12."""
    h = torch.tensor(0.5) ** torch.arange(64, dtype=torch.float64)
    full = problem6.convolve1d(torch.ones(length, dtype=torch.float64), h)
    assert tuple(full.shape) == (length + 64 - 1,)
    for n in range(0, 13):
        assert abs(float(full[n]) - float(proven_response(n, length))) <= 1e-12, (n, length)
