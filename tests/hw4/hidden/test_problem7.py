"""Hidden checks for Problem 7 on inputs the student has never seen.

The properties are the public ones (tests/hw4/public/test_problem7.py), on new inputs:

- conv_layer_counts for other kernels, depths and filter counts, a 1 x 1 kernel among them (0.5,
  shared evenly); pool_output_hw on odd sizes (POOL2 of 7 gives 3), a stride different from the
  window, W != H (0.5, shared evenly).
- layer_table on three stacks: odd and unequal W and H with CONV5 and two FC layers; CONV1, POOL3
  and CONV7; three POOL2 in a row (28 -> 14 -> 7 -> 3) (1, shared evenly).
- dilated_conv2d with d = 1 (the plain cross-correlation), d = 3, and a rectangular 1 x 3 kernel,
  all asymmetric so a flipped kernel fails (0.5, shared evenly).
- receptive_field, in one check: an empty stack (1), one layer, strides compounding with a dilation,
  and the k = 3 variant of the tutorial Net (10) (0.5): the easy answers pay only beside the others.
"""
from __future__ import annotations

import pytest
import torch

from autograder.decorators import number, weight
from tests.hw4.public.test_problem7 import (check_conv_layer_counts, check_dilated_conv2d,
                                            check_layer_table, check_pool_output_hw,
                                            check_receptive_field)


def seeded(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


COUNT_CASES = {"5x5, 3 in, 6 out": (5, 3, 6), "1x1": (1, 16, 32), "7x7, 1 filter": (7, 2, 1)}


@number("7")
@weight(0.5)
@pytest.mark.parametrize("case", COUNT_CASES)
def test_conv_layer_counts_hidden(student, case):
    """conv_layer_counts is (K^2 C F, F)."""
    check_conv_layer_counts(student, *COUNT_CASES[case])


POOL_CASES = {"odd size": (7, 7, 2, 2), "stride below window": (15, 9, 4, 2), "tall": (10, 31, 4, 4)}


@number("7")
@weight(0.5)
@pytest.mark.parametrize("case", POOL_CASES)
def test_pool_output_hw_hidden(student, case):
    """pool_output_hw is (floor((W - K)/S) + 1, floor((H - K)/S) + 1)."""
    check_pool_output_hw(student, *POOL_CASES[case])


STACKS = {
    "odd sizes, two FC": ((15, 9, 3), ["CONV5-4", "POOL2", "CONV3-6", "POOL2", "FLATTEN", "FC-5",
                                       "FC-2"]),
    "CONV1, POOL3, CONV7": ((32, 32, 3), ["CONV3-8", "CONV1-16", "POOL3", "CONV7-2", "POOL2",
                                          "FLATTEN", "FC-10"]),
    "three POOL2": ((28, 28, 1), ["CONV3-10", "POOL2", "POOL2", "POOL2", "FLATTEN", "FC-4"]),
}


@number("7")
@weight(1.0)
@pytest.mark.parametrize("case", STACKS)
def test_layer_table_hidden(student, case):
    """layer_table gives the parameters and output shape of every layer."""
    check_layer_table(student, *STACKS[case])


DILATED_CASES = {
    "d = 1": (seeded((6, 5), 71), seeded((3, 3), 72), 1),
    "d = 3": (seeded((7, 8), 73), seeded((2, 2), 74), 3),
    "rectangular kernel": (seeded((4, 6), 75), seeded((1, 3), 76), 2),
}


@number("7")
@weight(0.5)
@pytest.mark.parametrize("case", DILATED_CASES)
def test_dilated_conv2d_hidden(student, case):
    """dilated_conv2d is the valid cross-correlation with the kernel dilated by d."""
    check_dilated_conv2d(student, *DILATED_CASES[case])


@number("7")
@weight(0.5)
def test_receptive_field_hidden(student):
    """receptive_field is 1 + sum_l (k_l - 1) d_l prod_{j<l} s_j on four stacks."""
    check_receptive_field(student, [], expected=1)
    check_receptive_field(student, [(7, 1, 1)], expected=7)
    check_receptive_field(student, [(3, 2, 1), (3, 2, 1), (3, 1, 2)], expected=23)
    check_receptive_field(student, [(3, 1, 1), (2, 2, 1), (3, 1, 1), (2, 2, 1)], expected=10)
