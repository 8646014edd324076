"""Splits first but augments both parts: the validation list holds augmented items."""
# expect: 9.b


def make_splits(items, augment, val_fraction=0.2, seed=0):
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    n_val = round(val_fraction * len(items))
    val = [items[i] for i in order[:n_val]]
    train = [items[i] for i in order[n_val:]]
    return train + [augment(x) for x in train], val + [augment(x) for x in val]
