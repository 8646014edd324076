"""HW4 Problem 9 reference: the data-augmentation bug (part 9.b), fixed by splitting first.

Laid out like a submission, with the template's docstring.
"""
from __future__ import annotations

import random
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
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    n_val = round(val_fraction * len(items))
    val = [items[i] for i in order[:n_val]]
    train_originals = [items[i] for i in order[n_val:]]
    train = train_originals + [augment(item) for item in train_originals]
    return train, val
