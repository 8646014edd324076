"""The review set's bug: augment every item first, then shuffle and split 80/20, so augmented
copies of training items land in the validation set."""
# expect: 9.b


def make_splits(items, augment, val_fraction=0.2, seed=0):
    augmented_dataset = list(items) + [augment(item) for item in items]
    indices = list(range(len(augmented_dataset)))
    random.Random(seed).shuffle(indices)
    split = int((1 - val_fraction) * len(augmented_dataset))
    train = [augmented_dataset[i] for i in indices[:split]]
    val = [augmented_dataset[i] for i in indices[split:]]
    return train, val
