"""Stub: train_epoch returns None."""
# expect: 2.3=0


def train_epoch(net, loader, optimizer, criterion):
    return None
