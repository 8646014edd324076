"""Stub: evaluate returns 0.5 without looking at the data."""
# expect: 2.4=0


def evaluate(net, loader):
    return 0.5
