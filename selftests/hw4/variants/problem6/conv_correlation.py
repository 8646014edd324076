"""convolve1d slides h without flipping it (the CNN's cross-correlation, numpy.correlate(x, h, 'full'))."""
# expect: 6.b
import numpy as np


def convolve1d(x, h):
    return np.correlate(x.numpy(), h.numpy(), mode="full")
