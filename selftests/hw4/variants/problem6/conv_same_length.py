"""convolve1d keeps only len(x) outputs (numpy.convolve's mode 'same')."""
# expect: 6.b
import numpy as np


def convolve1d(x, h):
    return np.convolve(x.numpy(), h.numpy(), mode="same")
