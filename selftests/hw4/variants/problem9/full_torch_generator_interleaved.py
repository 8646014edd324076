"""Correct, written differently: torch.randperm with a seeded torch.Generator, each training
original followed by its augmentation."""
# expect: full
import torch


def make_splits(items, augment, val_fraction=0.2, seed=0):
    order = torch.randperm(len(items), generator=torch.Generator().manual_seed(seed)).tolist()
    n_val = round(val_fraction * len(items))
    val = [items[i].clone() for i in order[:n_val]]
    train = []
    for i in order[n_val:]:
        train.extend([items[i], augment(items[i])])
    return train, val
