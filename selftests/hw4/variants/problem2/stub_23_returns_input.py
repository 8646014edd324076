"""Stub: train_epoch returns the network it was given, untrained."""
# expect: 2.3=0


def train_epoch(net, loader, optimizer, criterion):
    return net
