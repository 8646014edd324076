"""Correct, written differently: a NumPy generator's permutation, int() for the validation size
(one fewer is accepted), a training part of augmented items only, returned as tuples."""
# expect: full
import numpy as np


def make_splits(items, augment, val_fraction=0.2, seed=0):
    order = np.random.default_rng(seed).permutation(len(items))
    n_val = int(val_fraction * len(items))
    val = tuple(items[int(i)] for i in order[:n_val])
    train = tuple(augment(items[int(i)]) for i in order[n_val:])
    return train, val
