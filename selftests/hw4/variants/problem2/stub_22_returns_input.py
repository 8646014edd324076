"""Stub: both functions return their first argument."""
# expect: 2.2=0


def conv_output_size(h, k, padding=0, stride=1, dilation=1):
    return h


def net_with_kernel(k):
    return k
