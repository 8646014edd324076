"""Splits correctly but never augments: the training list holds originals only."""
# expect: 9.b


def make_splits(items, augment, val_fraction=0.2, seed=0):
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    n_val = round(val_fraction * len(items))
    return [items[i] for i in order[n_val:]], [items[i] for i in order[:n_val]]
