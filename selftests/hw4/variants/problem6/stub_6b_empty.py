"""6.b's functions are stubs that return zeros of the right length and 0: earn nothing on 6.b."""
# expect: 6.b=0
import torch


def convolve1d(x, h):
    return torch.zeros(len(x) + len(h) - 1, dtype=torch.float64)


def rect_response(n, L):
    return 0
