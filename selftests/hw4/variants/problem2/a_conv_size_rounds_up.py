"""conv_output_size rounds the division up (ceil), counting a window that runs past the input."""
# expect: 2.2
import math


def conv_output_size(h, k, padding=0, stride=1, dilation=1):
    return math.ceil((h + 2 * padding - dilation * (k - 1) - 1) / stride) + 1
