"""convolve1d as the double sum over (n, i) in Python floats; rect_response as the finite sum
sum_{i=0}^{L-1} 2^-(n-i) over the overlap (an int 0 for n < 0)."""
# expect: full
import torch


def convolve1d(x, h):
    N, K = len(x), len(h)
    values = [sum(float(x[i]) * float(h[n - i]) for i in range(N) if 0 <= n - i < K)
              for n in range(N + K - 1)]
    return torch.tensor(values, dtype=torch.float64)


def rect_response(n, L):
    if n < 0:
        return 0
    return sum(0.5 ** (n - i) for i in range(0, min(n, L - 1) + 1))
