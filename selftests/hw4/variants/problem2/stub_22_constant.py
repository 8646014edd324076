"""Stub: conv_output_size is always 28 (Net's first output) and net_with_kernel always Net()."""
# expect: 2.2=0


def conv_output_size(h, k, padding=0, stride=1, dilation=1):
    return 28


def net_with_kernel(k):
    return Net()
