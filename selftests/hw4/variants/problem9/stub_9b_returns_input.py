"""Stub: returns the items as both parts."""
# expect: 9.b=0


def make_splits(items, augment, val_fraction=0.2, seed=0):
    return items, items
