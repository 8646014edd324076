"""Public checks for Problem 9: the data-augmentation bug (part 9.b, `make_splits`).

`make_splits(items, augment, val_fraction, seed)` is called with a list of distinct tensors
(integer-valued, so that no augmentation can equal an original) and `augment` given as a named
recipe (`flip_shift`: flip along some dimensions, scale, shift), which the worker builds into a
function; the grader builds the same recipe itself (`recipes.build`) to recognize every returned
item as an original or as the augmentation of one. Properties, each checked on every call:

- validation holds round(val_fraction * N) +- 1 distinct originals, unchanged, never an augmented
  item (the review set's code augments before splitting: its validation set holds augmented
  copies, which this message names);
- train holds only the other originals and/or augmentations of them (never a validation item nor
  an item derived from one), with at least one augmented item;
- the same seed gives the same split, and among three other seeds at least one gives another
  validation set (a split that ignores `seed` comes out the same every time, because the worker
  seeds the global random state before every call).

Points (3): here 1 (the split's properties, N = 20, val_fraction 0.2) + 0.5 (seeds); hidden 1 + 0.5
on other sizes, fractions, item shapes and augmentations. The helpers are shared with the hidden
checks.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from autograder.checks import CheckFailed, as_array, as_tuple, type_name
from autograder.decorators import number, weight
from autograder.deeplearning import recipes


def distinct_items(count: int, shape: tuple[int, ...], seed: int) -> list[torch.Tensor]:
    """`count` different integer-valued float32 tensors of `shape`."""
    generator = torch.Generator().manual_seed(seed)
    items: list[torch.Tensor] = []
    seen: set[bytes] = set()
    while len(items) < count:
        item = torch.randint(-4, 5, shape, generator=generator).float()
        key = item.double().numpy().tobytes()
        if key not in seen:
            seen.add(key)
            items.append(item)
    return items


class Catalogue:
    """Every item the student may return: ("original", i) or ("augmented", i)."""

    def __init__(self, items: Sequence[torch.Tensor], augment: recipes.Recipe) -> None:
        function = recipes.build(augment)
        self.shape = tuple(items[0].shape)
        self.size = len(items)
        self.known: dict[bytes, tuple[str, int]] = {}
        for index, item in enumerate(items):
            self.known[self._key(item)] = ("original", index)
        for index, item in enumerate(items):
            key = self._key(function(item.clone()))
            assert key not in self.known, "an augmentation equals an original: pick other items"
            self.known[key] = ("augmented", index)

    @staticmethod
    def _key(item: Any) -> bytes:
        return np.asarray(item, dtype=np.float64).tobytes()

    def identify(self, value: Any, what: str) -> tuple[str, int]:
        array = as_array(value, what, shape=self.shape)
        found = self.known.get(self._key(array))
        if found is None:
            raise CheckFailed(f"{what} is neither one of the items given nor augment() of one: "
                              "return the original items unchanged and augment() results as they "
                              "come")
        return found


def _as_items(value: Any, what: str, shape: tuple[int, ...]) -> list[Any]:
    """A list or tuple of items (a tensor or array stacking them is accepted too)."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim == len(shape) + 1:
        return list(value)
    raise CheckFailed(f"{what} must be a list of items, got {type_name(value)}")


def check_split(value: Any, catalogue: Catalogue, val_fraction: float,
                what: str) -> tuple[frozenset[int], Counter]:
    """The split's properties; returns (validation originals, train items counted)."""
    train_value, val_value = as_tuple(value, f"{what} (train, val)", 2)
    train = [catalogue.identify(item, f"an item of {what}'s train list")
             for item in _as_items(train_value, f"{what}'s train", catalogue.shape)]
    val = [catalogue.identify(item, f"an item of {what}'s val list")
           for item in _as_items(val_value, f"{what}'s val", catalogue.shape)]
    if any(kind == "augmented" for kind, _ in val):
        raise CheckFailed(
            f"{what}: the validation list holds augmented items. Split the original items first "
            "and augment only the training part: augmenting before the split puts copies of "
            "training images in the validation set, which inflates its accuracy",
            detail=f"{sum(kind == 'augmented' for kind, _ in val)} of {len(val)} validation items "
                   "are augmented")
    val_originals = [index for _, index in val]
    if len(set(val_originals)) != len(val_originals):
        raise CheckFailed(f"{what}: the validation list holds the same original item more than once")
    expected = round(val_fraction * catalogue.size)
    if abs(len(val) - expected) > 1:
        raise CheckFailed(f"{what}: the validation list must hold round(val_fraction * len(items)) "
                          "original items (one more or fewer is accepted)",
                          detail=f"expected {expected} (+-1) of {catalogue.size}, got {len(val)}")
    leaked = [(kind, index) for kind, index in train if index in set(val_originals)]
    if leaked:
        raise CheckFailed(
            f"{what}: the training list holds validation items or augmentations of them: the two "
            "parts must come from different original items (split first, then augment the "
            "training part)", detail=f"{len(leaked)} training item(s) come from validation items")
    if not any(kind == "augmented" for kind, _ in train):
        raise CheckFailed(f"{what}: the training list holds no augmented item: augment the "
                          "training part (e.g. add augment(item) for each of its items)")
    return frozenset(val_originals), Counter(train)


def check_make_splits(student: Any, items: list[torch.Tensor], augment: recipes.Recipe,
                      val_fraction: float, seed: int, what: str) -> None:
    catalogue = Catalogue(items, augment)
    value = student.problem9.make_splits(items, augment, val_fraction, seed)
    check_split(value, catalogue, val_fraction, what)


def check_seeds(student: Any, items: list[torch.Tensor], augment: recipes.Recipe,
                val_fraction: float, seed: int, others: Sequence[int], what: str) -> None:
    """Every split is right; the same seed repeats the split; another seed changes it."""
    catalogue = Catalogue(items, augment)

    def split(s: int) -> tuple[frozenset[int], Counter]:
        value = student.problem9.make_splits(items, augment, val_fraction, s)
        return check_split(value, catalogue, val_fraction, what)

    first, again = split(seed), split(seed)
    if first != again:
        raise CheckFailed(f"{what}: the same seed gave two different splits: shuffle with a "
                          "generator seeded by `seed` (random.Random(seed), "
                          "torch.Generator().manual_seed(seed), numpy.random.default_rng(seed))")
    if all(split(s)[0] == first[0] for s in others):
        raise CheckFailed(f"{what}: different seeds give the same validation set: the split must "
                          "depend on `seed` (use a random generator seeded by it)",
                          detail=f"seeds {seed} and {', '.join(map(str, others))}")


FLIP = recipes.function("flip_shift", dims=(-1,), scale=1.0, shift=0.5)


@number("9.b")
@weight(1.0)
def test_make_splits(student):
    """make_splits(20 items, flip, 0.2, seed 0): 4 +- 1 unchanged originals in val, never an
    augmented one; train only the other originals and their augmentations, at least one augmented."""
    check_make_splits(student, distinct_items(20, (3, 4, 4), seed=91), FLIP, 0.2, 0,
                      "make_splits(20 items, augment, 0.2, 0)")


@number("9.b")
@weight(0.5)
def test_make_splits_seeds(student):
    """make_splits with seed 0 twice gives the same split, and seeds 1, 2, 3 not all seed 0's."""
    check_seeds(student, distinct_items(20, (3, 4, 4), seed=92), FLIP, 0.2, 0, (1, 2, 3),
                "make_splits(20 items, augment, 0.2, seed)")
