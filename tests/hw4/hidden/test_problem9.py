"""Hidden checks for Problem 9 (9.b, `make_splits`) on inputs the student has never seen.

The properties are the public ones (tests/hw4/public/test_problem9.py), on new inputs: other
numbers of items, validation fractions, item shapes and augmentations (a flip along another
dimension, a negative scale, another shift), so that a split or an augmentation written for the
public example alone fails. Points: the split's properties 1 (two cases, shared evenly), the
seeds 0.5.
"""
from __future__ import annotations

import pytest

from autograder.decorators import number, weight
from autograder.deeplearning import recipes
from tests.hw4.public.test_problem9 import (
    check_make_splits,
    check_seeds,
    distinct_items,
)

CASES = {
    "37 items, fraction 0.3": (distinct_items(37, (2, 5), seed=191),
                               recipes.function("flip_shift", dims=(-2,), scale=-1.0, shift=0.25),
                               0.3, 4),
    "12 images, fraction 0.25": (distinct_items(12, (3, 6, 6), seed=192),
                                 recipes.function("flip_shift", dims=(-1, -2), scale=2.0, shift=0.5),
                                 0.25, 11),
}


@number("9.b")
@weight(1.0)
@pytest.mark.parametrize("case", CASES)
def test_make_splits_hidden(student, case):
    """make_splits splits first and augments the training part only, on new items."""
    items, augment, fraction, seed = CASES[case]
    check_make_splits(student, items, augment, fraction, seed, "make_splits(the hidden items)")


@number("9.b")
@weight(0.5)
def test_make_splits_seeds_hidden(student):
    """The same seed repeats the split; other seeds change it, on new items."""
    check_seeds(student, distinct_items(30, (4, 3), seed=193),
                recipes.function("flip_shift", dims=(-1,), scale=1.0, shift=-0.5), 0.2, 5, (6, 7, 8),
                "make_splits(the hidden items)")
