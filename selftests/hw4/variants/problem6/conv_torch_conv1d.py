"""convolve1d with torch.nn.functional.conv1d and full padding: a cross-correlation, h not flipped."""
# expect: 6.b
import torch


def convolve1d(x, h):
    out = torch.nn.functional.conv1d(x.view(1, 1, -1), h.view(1, 1, -1), padding=len(h) - 1)
    return out.view(-1)
