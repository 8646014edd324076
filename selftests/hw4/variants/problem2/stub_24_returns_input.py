"""Stub: evaluate returns the network it was given."""
# expect: 2.4=0


def evaluate(net, loader):
    return net
