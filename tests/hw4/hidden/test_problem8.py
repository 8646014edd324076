"""Hidden checks for Problem 8 on inputs the student has never seen.

The properties are the public ones (tests/hw4/public/test_problem8.py), on new inputs:

- kl_divergence on random distributions over 4 to 9 outcomes: with zeros in p only, with an
  outcome where p and q are both 0, as lists, NumPy arrays and float32 tensors (0.5, shared
  evenly); and, in one check, an infinite case (q = 0 at one outcome where p > 0) beside finite
  ones, so that a constant inf earns nothing (0.5).
- kl_gaussian called with symbols of other names, which catches answers built from Symbols of their
  own (0.5).
- forward_kl_gaussian_fit on a three-component mixture with unequal weights, on two components with
  the same mean (only the spreads mix), and on two far-apart narrow modes (0.5, shared evenly).
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy
import torch

from autograder.decorators import number, weight
from tests.hw4.public.test_problem8 import check_forward_fit, check_kl_divergence, check_kl_gaussian


def distribution(size: int, seed: int, zeros: tuple[int, ...] = ()) -> list[float]:
    values = np.random.default_rng(seed).uniform(0.05, 1.0, size)
    values[list(zeros)] = 0.0
    return (values / values.sum()).tolist()


FINITE_CASES = {
    "zeros in p, tensors": (torch.tensor(distribution(6, 81, (1, 4)), dtype=torch.float64),
                            torch.tensor(distribution(6, 82), dtype=torch.float64)),
    "zero in both, lists": (distribution(5, 83, (2,)), distribution(5, 84, (2,))),
    "NumPy arrays": (np.array(distribution(9, 85, (0,))), np.array(distribution(9, 86))[::-1].copy()),
    "float32 tensors": (torch.tensor(distribution(4, 87, (3,)), dtype=torch.float32),
                        torch.tensor(distribution(4, 88), dtype=torch.float32)),
}


@number("8")
@weight(0.5)
@pytest.mark.parametrize("case", FINITE_CASES)
def test_kl_divergence_hidden(student, case):
    """kl_divergence is sum p_i log(p_i/q_i) in nats with 0 log 0 = 0."""
    check_kl_divergence(student, *FINITE_CASES[case])


@number("8")
@weight(0.5)
def test_kl_divergence_infinite_hidden(student):
    """kl_divergence is inf where q_i = 0 < p_i, and finite elsewhere."""
    check_kl_divergence(student, torch.tensor(distribution(7, 89), dtype=torch.float64),
                        torch.tensor(distribution(7, 90, (5,)), dtype=torch.float64))
    check_kl_divergence(student, distribution(7, 90, (5,)), distribution(7, 89))
    check_kl_divergence(student, np.array(distribution(5, 91, (0,))), np.array(distribution(5, 92)))


@number("8")
@weight(0.5)
def test_kl_gaussian_other_symbols(student):
    """kl_gaussian is the closed form in the symbols it is given, whatever their names."""
    check_kl_gaussian(student, sympy.Symbol("a", real=True), sympy.Symbol("s", positive=True),
                      sympy.Symbol("b", real=True), sympy.Symbol("t", positive=True))


FIT_CASES = {
    "three components": ([0.2, 0.5, 0.3], [-1.0, 0.5, 4.0], [0.3, 1.2, 0.7]),
    "same mean": ([0.7, 0.3], [1.5, 1.5], [0.5, 2.0]),
    "far-apart narrow modes": ([0.4, 0.6], [-10.0, 10.0], [0.1, 0.2]),
}


@number("8")
@weight(0.5)
@pytest.mark.parametrize("case", FIT_CASES)
def test_forward_kl_gaussian_fit_hidden(student, case):
    """forward_kl_gaussian_fit matches the mean and the variance of the mixture."""
    check_forward_fit(student, *FIT_CASES[case])
