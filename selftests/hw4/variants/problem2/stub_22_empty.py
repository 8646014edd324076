"""Stub: both functions return None."""
# expect: 2.2=0


def conv_output_size(h, k, padding=0, stride=1, dilation=1):
    return None


def net_with_kernel(k):
    return None
