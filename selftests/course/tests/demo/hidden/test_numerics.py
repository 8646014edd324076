"""Hidden checks of Problem 1 on logits the student has never seen: the public properties
(tests/demo/public/test_numerics.py) on other shapes, dims and dtypes, with overflow and underflow
in float32, a dimension of size 1 and slices whose logits are all equal."""
from __future__ import annotations

import pytest
import torch

from autograder.decorators import number, weight
from tests.demo.public.test_numerics import check_log_softmax, check_softmax


def logits(shape: tuple[int, ...], size: float, seed: int, dtype: torch.dtype) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return (size * torch.randn(shape, generator=generator, dtype=torch.float64)).to(dtype)


SOFTMAX_CASES = {
    "3-d, middle dim": (logits((2, 3, 4), 3.0, 11, torch.float64), 1),
    "float32 past exp's overflow": (logits((5, 6), 200.0, 12, torch.float32), 0),
    "very negative float32 logits": (logits((4, 3), 1.0, 13, torch.float32) - 500.0, -1),
    "a dimension of size 1": (logits((3, 1), 5.0, 14, torch.float64), 1),
    "equal logits": (torch.full((2, 5), 7.0, dtype=torch.float64), -1),
}
LOG_SOFTMAX_CASES = {
    "float32, 1e4 apart, dim 0": (logits((6, 3), 1e4, 15, torch.float32), 0),
    "3-d float64": (logits((2, 2, 5), 3e3, 16, torch.float64), -1),
}


@number("7")
@weight(1.5)
@pytest.mark.parametrize("case", SOFTMAX_CASES)
def test_softmax_unseen(student, case):
    """softmax is a distribution along dim, proportional to exp(x), on unseen logits."""
    x, dim = SOFTMAX_CASES[case]
    check_softmax(student, x, dim)


@number("B1")
@weight(0.5)
@pytest.mark.parametrize("case", LOG_SOFTMAX_CASES)
def test_log_softmax_unseen(student, case):
    """log_softmax is finite and exact on unseen extreme logits (bonus)."""
    x, dim = LOG_SOFTMAX_CASES[case]
    check_log_softmax(student, x, dim)
