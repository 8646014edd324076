"""Hidden checks for Problem 3 (bonus) on inputs the student has never seen.

The properties are the public ones (tests/hw4/public/test_problem3.py), on new inputs:

- 3.1: batchnorm_forward on (N, C, H, W) batches in training and inference mode, with other
  momentum and eps, and on float32 (1.0, shared evenly by four cases).
- 3.2: conv_output_shape on non-square inputs with padding and stride, where floor matters and
  where padding once instead of on both sides changes the size (1.0);
  padding_and_stride on four size changes asked in one check (1.0; half for a padding beyond
  k - 1): keeping the size (32 -> 32, k = 3), halving with k = 5 and k = 7, AlexNet's 227 -> 55
  with k = 11 (stride 4).
- 3.3: l2_gd_step on a vector and a float32 convolution kernel (0.75, shared evenly);
  decay_factor in positive symbols of other names (0.5).
"""
from __future__ import annotations

import pytest
import sympy
import torch

from autograder.decorators import number, partial_credit, weight
from tests.hw4.public.test_problem3 import (batchnorm_inputs, check_batchnorm, check_conv_output_shape,
                                            check_decay_factor, check_l2_gd_step,
                                            check_padding_and_stride)

# (inputs, training, momentum, eps); None leaves the default
BATCHNORM_CASES = {
    "4-D training, defaults": (batchnorm_inputs((4, 3, 5, 5), 10), True, None, None),
    "4-D inference": (batchnorm_inputs((3, 4, 2, 6), 11), False, None, None),
    "training, momentum 0.3, eps 0.01": (batchnorm_inputs((6, 2, 3, 3), 12), True, 0.3, 1e-2),
    "float32 training": (batchnorm_inputs((16, 5), 13, torch.float32), True, 0.05, None),
}


@number("3.1")
@weight(1.0)
@pytest.mark.parametrize("case", BATCHNORM_CASES)
def test_batchnorm_hidden(student, case):
    """batchnorm_forward matches batch normalization's forward pass and running statistics."""
    inputs, training, momentum, eps = BATCHNORM_CASES[case]
    check_batchnorm(student, *inputs, training=training, momentum=momentum, eps=eps)


@number("3.2")
@weight(1.0)
def test_conv_output_shape_hidden(student):
    """conv_output_shape on non-square inputs, with padding and strides that floor."""
    check_conv_output_shape(student, [((3, 28, 20), 8, 5, 2, None), ((16, 15, 33), 32, 3, 1, 2),
                                      ((8, 10, 13), 8, 3, 3, 3), ((1, 9, 7), 4, 7, None, None)])


@number("3.2")
@partial_credit
@weight(1.0)
def test_padding_and_stride_hidden(student, score):
    """padding_and_stride gives the output size with a padding of at most k - 1."""
    check_padding_and_stride(student, score, [(32, 32, 3), (28, 14, 5), (56, 28, 7), (227, 55, 11)])


STEP_CASES = {
    "vector": (torch.tensor([2.0, -1.0, 0.5, 4.0], dtype=torch.float64),
               torch.tensor([-3.0, 1.0, 2.0, 0.5], dtype=torch.float64), 0.05, 2.0),
    "float32 kernel": (torch.linspace(-1.0, 1.0, 2 * 3 * 3 * 3).reshape(2, 3, 3, 3).float(),
                       torch.linspace(2.0, -2.0, 2 * 3 * 3 * 3).reshape(2, 3, 3, 3).float(), 0.2, 0.25),
}


@number("3.3")
@weight(0.75)
@pytest.mark.parametrize("case", STEP_CASES)
def test_l2_gd_step_hidden(student, case):
    """l2_gd_step is one gradient-descent step on L + lam w^T w."""
    check_l2_gd_step(student, *STEP_CASES[case])


@number("3.3")
@weight(0.5)
def test_decay_factor_other_symbols(student):
    """decay_factor is right in the symbols it is given, whatever their names."""
    check_decay_factor(student, sympy.Symbol("lr", positive=True), sympy.Symbol("wd", positive=True))
