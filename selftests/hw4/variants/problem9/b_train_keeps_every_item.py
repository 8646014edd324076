"""Puts every original (validation ones included) and their augmentations in the training list."""
# expect: 9.b


def make_splits(items, augment, val_fraction=0.2, seed=0):
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    n_val = round(val_fraction * len(items))
    val = [items[i] for i in order[:n_val]]
    return list(items) + [augment(x) for x in items], val
