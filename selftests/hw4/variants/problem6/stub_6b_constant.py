"""6.b's functions are stubs that return constants (ones of the right length, 1.0): earn nothing on 6.b."""
# expect: 6.b=0
import torch


def convolve1d(x, h):
    return torch.ones(len(x) + len(h) - 1, dtype=torch.float64)


def rect_response(n, L):
    return 1.0
