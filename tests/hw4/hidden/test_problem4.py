"""Hidden checks for Problem 4 on inputs the student has never seen.

The properties are the public ones (tests/hw4/public/test_problem4.py), on new inputs:

- 4.1: gan_value on batches of other, unequal lengths, with generated samples the discriminator
  scores high and low (0.25); optimal_discriminator on small densities and a point where
  p_data = p_g beside points where they differ (0.25). optimal_gan_value takes no input: it is
  checked publicly only.
- 4.2: gan_gradients on three more networks (1.0, shared evenly): each with entries of W_g x of
  both signs at least 0.35 away from 0, the discriminator's output on the generated sample at
  about 0.38, 0.06 and 0.96.
- 4.3: generator_grad_wrt_logit called with a real symbol of another name, which catches answers
  built from a symbol of their own (0.5).
"""
from __future__ import annotations

import pytest
import sympy

from autograder.decorators import number, weight
from tests.hw4.public.test_problem4 import (check_gan_gradients, check_gan_value, check_generator_grad,
                                            check_optimal_discriminator, f64, generator_weights)


@number("4.1")
@weight(0.25)
def test_gan_value_hidden(student):
    """gan_value averages each batch over its own length."""
    check_gan_value(student, f64([0.55, 0.99, 0.72, 0.31, 0.88, 0.64]), f64([0.93, 0.02]))


@number("4.1")
@weight(0.25)
def test_optimal_discriminator_hidden(student):
    """optimal_discriminator is p_data / (p_data + p_g) at every point."""
    check_optimal_discriminator(student, f64([1e-3, 0.25, 2.0, 0.7, 0.04, 0.3]),
                                f64([4e-3, 0.25, 0.5, 0.1, 0.36, 1.2]))


# (W_g x, x, W_d, r): W_g is built so that W_g x is exactly the first entry
GRADIENT_CASES = {
    "discriminator unsure": (f64([-0.5, 1.1, 0.9, -2.0, 0.4]), f64([0.3, -2.0]),
                             f64([[1.2, 0.4, -0.8, 0.6, -0.5]]), f64([-1.0, 0.2, 0.7, 1.5, -0.3])),
    "discriminator sure the sample is fake": (f64([1.4, 0.7, -0.6, 0.5, -1.3]), f64([-1.5, 0.8]),
                                              f64([[-1.0, -0.9, 0.3, -1.4, 0.8]]),
                                              f64([2.0, -0.5, 0.1, 0.9, 1.1])),
    "discriminator fooled": (f64([0.35, -0.9, -1.6, 2.2, 1.0]), f64([0.6, 1.2]),
                             f64([[0.5, 1.0, -2.0, 1.5, -0.4]]), f64([0.4, 0.4, -1.2, -0.8, 2.5])),
}


@number("4.2")
@weight(1.0)
@pytest.mark.parametrize("case", GRADIENT_CASES)
def test_gan_gradients_hidden(student, case):
    """gan_gradients matches autograd's gradients of V."""
    pre_activation, x, W_d, r = GRADIENT_CASES[case]
    seed = list(GRADIENT_CASES).index(case) + 1
    check_gan_gradients(student, generator_weights(pre_activation, x, seed), W_d, x, r)


@number("4.3")
@weight(0.5)
def test_generator_grad_other_symbol(student):
    """generator_grad_wrt_logit is -sigmoid of the symbol it is given, whatever its name."""
    check_generator_grad(student, sympy.Symbol("s", real=True))
