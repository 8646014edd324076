"""HW4 Problem 9: the data-augmentation bug (part 9.b).

The review set's code augments the whole training set and only then splits it into training and
validation parts:

    augmented_dataset = apply_augmentations(train_dataset)
    indices = list(range(len(augmented_dataset)))
    random.shuffle(indices)
    split = int(0.8 * len(augmented_dataset))
    train_data = Subset(augmented_dataset, indices[:split])
    val_data = Subset(augmented_dataset, indices[split:])

so augmented copies of training images land in the validation set (and copies of validation
images in the training set), and the validation accuracy says more about memorization than
about new images. Fill in `make_splits`, which does it the right way round. Submit this file as
`problem9.py` (the explanation of 9.a goes in your PDF).
"""
from __future__ import annotations

import random  # noqa: F401  (you will want it)
from collections.abc import Callable, Sequence
from typing import Any

# ---------------------------------------------------------------- graded function

def make_splits(items: Sequence[Any], augment: Callable[[Any], Any], val_fraction: float = 0.2,
                seed: int = 0) -> tuple[list[Any], list[Any]]:
    """Split the original items into training and validation parts, THEN augment the training
    part only (part 9.b).

    `items` is a list of distinct data items (the grader sends tensors; treat them as opaque
    objects and never modify one in place). `augment(item)` returns one new, augmented item
    (e.g. a flipped image) and leaves `item` unchanged.

    1. Shuffle the indices of `items` with a random generator seeded by `seed` (e.g.
       `random.Random(seed).shuffle(indices)`): the same seed must give the same split, a
       different seed a different one. Do not rely on the global random state.
    2. Put round(val_fraction * len(items)) of the original items in the validation part (one
       more or one fewer is accepted, e.g. from `int(...)`), unchanged: the validation part holds
       original items only, never an augmented one.
    3. The training part holds the other original items and/or augmentations of them: at least
       one augmented item, and never an item that is, or was derived from, a validation item.
       Keeping the training originals and adding one augmented copy of each is the usual choice.

    Returns `(train, val)`: two lists of items (tuples are accepted too).
    """
    raise NotImplementedError("make_splits")
