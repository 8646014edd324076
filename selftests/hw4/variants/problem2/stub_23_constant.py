"""Stub: train_epoch does nothing and returns 0.0."""
# expect: 2.3=0


def train_epoch(net, loader, optimizer, criterion):
    return 0.0
