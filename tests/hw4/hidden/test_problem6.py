"""Hidden checks for Problem 6 on inputs the student has never seen.

The properties are the public ones (tests/hw4/public/test_problem6.py), on new inputs:

- 6.b convolve1d on random asymmetric filters (so that the cross-correlation fails): a signal
  longer than the filter, a filter longer than the signal, a one-tap filter (a scaled copy of x)
  beside a one-sample signal (a scaled copy of h), each one case (1 point, shared evenly);
  rect_response for n = -6 ... 12 at L = 2, 3, 6 and 10 (1 point, shared evenly).
"""
from __future__ import annotations

import pytest
import torch

from autograder.decorators import number, weight
from tests.hw4.public.test_problem6 import check_convolve1d, check_rect_response


def seeded(length: int, seed: int) -> torch.Tensor:
    return torch.randn(length, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


CONVOLVE_CASES = {
    "long signal": (seeded(9, 61), seeded(4, 62)),
    "long filter": (seeded(3, 63), seeded(7, 64)),
    "one tap": (seeded(6, 65), torch.tensor([-1.75], dtype=torch.float64)),
    "one sample": (torch.tensor([2.5], dtype=torch.float64), seeded(5, 66)),
}


@number("6.b")
@weight(1.0)
@pytest.mark.parametrize("case", CONVOLVE_CASES)
def test_convolve1d_hidden(student, case):
    """convolve1d(x, h) is the full convolution of equation (1)."""
    check_convolve1d(student, *CONVOLVE_CASES[case])


@number("6.b")
@weight(1.0)
@pytest.mark.parametrize("L", [2, 3, 6, 10])
def test_rect_response_hidden(student, L):
    """rect_response(n, L) is y[n] for n = -6 ... 12."""
    check_rect_response(student, L)
