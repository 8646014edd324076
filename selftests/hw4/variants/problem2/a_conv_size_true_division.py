"""conv_output_size uses true division: (h + 2p - d(k-1) - 1)/s + 1 is not an integer for strides
that do not divide."""
# expect: 2.2


def conv_output_size(h, k, padding=0, stride=1, dilation=1):
    return (h + 2 * padding - dilation * (k - 1) - 1) / stride + 1
