"""Hidden checks for Problem 1 on inputs the student has never seen.

The properties are the public ones (tests/hw4/public/test_problem1.py), on new inputs:

- 1.1: each gradient on non-square A and other sizes, with tensors and with sympy matrices of
  symbols in the same check (0.25 per function, shared evenly by two cases): a tall and a wide A,
  so that A and A^T (2A^T, Ay, the numerator-layout Jacobian) do not even have the right shape.
- 1.2: bce_symbolic called with symbols of other names (a label t, a probability q), which catches
  answers built from symbols of their own instead of the arguments (0.5); bce_loss on float32,
  2-D and 3-D batches, probabilities at the edges 1e-6 and 1 - 1e-6, with
  both reductions (1.0, shared evenly); every case holds both labels.
"""
from __future__ import annotations

import pytest
import sympy
import torch

from autograder.decorators import number, weight
from tests.hw4.public.test_problem1 import (check_bce_loss, check_bce_symbolic, check_grad_trace_AtA,
                                            check_grad_xTAy, check_grad_xTx, check_jacobian_Ay)


def seeded(shape: tuple[int, ...], seed: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=torch.float64).to(dtype)


# (tensor inputs, the shape of the symbolic case)
XTX_CASES = {"5 entries, 2 symbols": (seeded((5,), 1), 2), "7 entries, 4 symbols": (seeded((7,), 2), 4)}
TRACE_CASES = {"tall": (seeded((4, 2), 3), (3, 2)), "wide": (seeded((2, 5), 4), (2, 3))}
XTAY_CASES = {"tall": ((seeded((4,), 5), seeded((4, 2), 6), seeded((2,), 7)), (3, 2)),
              "wide": ((seeded((2,), 8), seeded((2, 5), 9), seeded((5,), 10)), (2, 3))}
JACOBIAN_CASES = {"tall": ((seeded((4, 3), 11), seeded((3,), 12)), (3, 2)),
                  "wide": ((seeded((2, 4), 13), seeded((4,), 14)), (2, 3))}


@number("1.1")
@weight(0.25)
@pytest.mark.parametrize("case", XTX_CASES)
def test_grad_xTx_hidden(student, case):
    """grad_xTx is 2x on vectors of other sizes."""
    x, size = XTX_CASES[case]
    check_grad_xTx(student, x, size)


@number("1.1")
@weight(0.25)
@pytest.mark.parametrize("case", TRACE_CASES)
def test_grad_trace_AtA_hidden(student, case):
    """grad_trace_AtA is 2A on non-square matrices."""
    A, shape = TRACE_CASES[case]
    check_grad_trace_AtA(student, A, shape)


@number("1.1")
@weight(0.25)
@pytest.mark.parametrize("case", XTAY_CASES)
def test_grad_xTAy_wrt_y_hidden(student, case):
    """grad_xTAy_wrt_y is A^T x, of the size of y, for non-square A."""
    (x, A, y), shape = XTAY_CASES[case]
    check_grad_xTAy(student, x, A, y, shape)


@number("1.1")
@weight(0.25)
@pytest.mark.parametrize("case", JACOBIAN_CASES)
def test_jacobian_Ay_wrt_y_hidden(student, case):
    """jacobian_Ay_wrt_y is A^T, shape (n, m), for non-square A."""
    (A, y), shape = JACOBIAN_CASES[case]
    check_jacobian_Ay(student, A, y, shape)


@number("1.2")
@weight(0.5)
def test_bce_symbolic_other_symbols(student):
    """bce_symbolic is right in the symbols it is given, whatever their names."""
    check_bce_symbolic(student, sympy.Symbol("t", real=True), sympy.Symbol("q", positive=True))


def probabilities(shape: tuple[int, ...], seed: int, dtype: torch.dtype) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return (0.02 + 0.96 * torch.rand(shape, generator=generator, dtype=torch.float64)).to(dtype)


def labels(shape: tuple[int, ...], seed: int, dtype: torch.dtype) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=generator) > 0.5).to(dtype)


# right where sure, one confident mistake, one unsure point: swapping yhat and 1 - yhat changes it
EDGE_YHAT = torch.tensor([1e-6, 1 - 1e-6, 1e-6, 1 - 1e-6, 0.3], dtype=torch.float64)
EDGE_LABELS = torch.tensor([0.0, 1.0, 1.0, 1.0, 0.0], dtype=torch.float64)

# (yhat, y, reduction; None leaves the default)
LOSS_CASES = {
    "float32 2-D, default": (probabilities((4, 3), 20, torch.float32), labels((4, 3), 21, torch.float32), None),
    "float64 sum": (probabilities((9,), 22, torch.float64), labels((9,), 23, torch.float64), "sum"),
    "edge probabilities, mean": (EDGE_YHAT, EDGE_LABELS, "mean"),
    "3-D float32, sum": (probabilities((2, 3, 4), 24, torch.float32), labels((2, 3, 4), 25, torch.float32), "sum"),
}


@number("1.2")
@weight(1.0)
@pytest.mark.parametrize("case", LOSS_CASES)
def test_bce_loss_hidden(student, case):
    """bce_loss equals torch.nn.functional.binary_cross_entropy."""
    yhat, y, reduction = LOSS_CASES[case]
    check_bce_loss(student, yhat, y, reduction)
