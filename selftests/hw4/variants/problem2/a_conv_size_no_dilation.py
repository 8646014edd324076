"""conv_output_size ignores the dilation: floor((h + 2p - k)/s) + 1."""
# expect: 2.2


def conv_output_size(h, k, padding=0, stride=1, dilation=1):
    return (h + 2 * padding - k) // stride + 1
