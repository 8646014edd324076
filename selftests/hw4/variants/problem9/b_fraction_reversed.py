"""Gives the validation part 1 - val_fraction of the items (the 0.8 of the source's split)."""
# expect: 9.b


def make_splits(items, augment, val_fraction=0.2, seed=0):
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    split = round(val_fraction * len(items))
    train = [items[i] for i in order[:split]]
    val = [items[i] for i in order[split:]]
    return train + [augment(x) for x in train], val
