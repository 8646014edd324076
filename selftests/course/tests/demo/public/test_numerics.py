"""Public checks of Problem 1: softmax (part 7) and the bonus log_softmax (part B1).

Every value is judged in float64 from what the function returned, against properties that hold
for exactly one answer, so any correct way of computing it passes:

- 7: the result has x's shape, every entry lies in [0, 1], every slice along `dim` sums to 1, and
  p_i / p_j = exp(x_i - x_j) (checked as p = exp(x - max) / sum exp(x - max), entrywise, within
  float32 or float64 rounding); x is left unchanged. Logits of 1000 (float64) or 80 (float32)
  must not overflow: exp(x) alone gives inf / inf = NaN.
- B1: log_softmax(x) = x - log(sum exp(x)) along `dim`, finite even where softmax underflows to
  0 (logits 1e4 apart), within rounding of the logits' size.

The helpers are shared with the hidden checks, which use other shapes, dims, dtypes and sizes.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from autograder.checks import CheckFailed, as_array, assert_allclose, assert_no_mutations
from autograder.decorators import number, weight

RTOL = {torch.float32: 1e-5, torch.float64: 1e-10}  # rounding of the student's dtype


def exact_log_softmax(x: torch.Tensor, dim: int) -> np.ndarray:
    """x - logsumexp(x) along `dim`, in float64."""
    x64 = x.to(torch.float64).numpy()
    shifted = x64 - x64.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


def check_softmax(student: Any, x: torch.Tensor, dim: int) -> None:
    """softmax(x, dim) is a probability distribution along `dim`, proportional to exp(x)."""
    what = f"softmax(x, dim={dim})"
    outcome = student.call("numerics", "softmax", x, dim=dim)
    p = as_array(outcome.value, what, shape=tuple(x.shape))
    rtol = RTOL[x.dtype]
    if p.min() < 0 or p.max() > 1 + rtol:
        raise CheckFailed(f"{what} holds entries outside [0, 1]: they must be probabilities",
                          detail=f"smallest {p.min():.6g}, largest {p.max():.6g}")
    sums = p.sum(axis=dim)
    if not np.all(np.abs(sums - 1) <= rtol * x.shape[dim]):
        raise CheckFailed(f"the slices of {what} along dim {dim} do not sum to 1",
                          detail=f"sums range from {sums.min():.10g} to {sums.max():.10g}")
    assert_allclose(p, np.exp(exact_log_softmax(x, dim)), what, rtol=10 * rtol, atol=1e-12)
    assert_no_mutations(outcome, what)


def check_log_softmax(student: Any, x: torch.Tensor, dim: int) -> None:
    """log_softmax(x, dim) = x - logsumexp(x) along `dim`, finite for every finite x."""
    what = f"log_softmax(x, dim={dim})"
    outcome = student.call("numerics", "log_softmax", x, dim=dim)
    got = as_array(outcome.value, what, shape=tuple(x.shape))
    scale = float(x.abs().max()) + 1.0
    assert_allclose(got, exact_log_softmax(x, dim), what, rtol=0,
                    atol=10 * RTOL[x.dtype] * scale)
    assert_no_mutations(outcome, what)


SMALL = torch.tensor([[0.0, 1.0, 2.0, 3.0], [-1.0, -1.0, 0.5, 4.0]], dtype=torch.float64)
SOFTMAX_CASES = {
    "2x4 along the last dim": (SMALL, -1),
    "2x4 along dim 0": (SMALL, 0),
    "large float64 logits": (torch.tensor([[1000.0, 999.0, 0.0]], dtype=torch.float64), 1),
    "large float32 logits": (torch.tensor([[80.0, 90.0], [-80.0, 70.0]]), -1),
}


@number("7")
@weight(1.5)
@pytest.mark.parametrize("case", SOFTMAX_CASES)
def test_softmax(student, case):
    """softmax is a distribution along dim, proportional to exp(x), even for large logits."""
    x, dim = SOFTMAX_CASES[case]
    check_softmax(student, x, dim)


@number("B1")
@weight(0.5)
def test_log_softmax_extreme_logits(student):
    """log_softmax stays finite and exact for logits 1e4 apart (bonus)."""
    check_log_softmax(student, torch.tensor([[0.0, 1.0, 2.0], [1e4, 0.0, -1e4]],
                                            dtype=torch.float64), -1)
