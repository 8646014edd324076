"""convolve1d does the "flip" of flip-and-drag on the argument itself (h.copy_(flip(h))): right
values, but the caller's h ends reversed."""
# expect: 6.b
import torch


def convolve1d(x, h):
    h.copy_(torch.flip(h, dims=(0,)))  # "flip" step of flip-and-drag, done on the argument
    N, K = len(x), len(h)
    out = torch.zeros(N + K - 1, dtype=torch.float64)
    for n in range(N + K - 1):
        for j in range(K):
            i = n - (K - 1 - j)
            if 0 <= i < N:
                out[n] += x[i] * h[j]
    return out
