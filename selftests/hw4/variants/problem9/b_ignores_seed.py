"""Shuffles with the global random state and ignores `seed`: every seed gives the same split
(the worker seeds the global state before every call)."""
# expect: 9.b


def make_splits(items, augment, val_fraction=0.2, seed=0):
    order = list(range(len(items)))
    random.shuffle(order)
    n_val = round(val_fraction * len(items))
    val = [items[i] for i in order[:n_val]]
    train = [items[i] for i in order[n_val:]]
    return train + [augment(x) for x in train], val
