"""rect_response as exact Fractions (fractions.Fraction), convolve1d as a matrix product with the
Toeplitz matrix of h (float64 tensor)."""
# expect: full
from fractions import Fraction

import torch


def convolve1d(x, h):
    N, K = len(x), len(h)
    T = torch.zeros(N + K - 1, N, dtype=torch.float64)
    for i in range(N):
        T[i:i + K, i] = h
    return T @ x


def rect_response(n, L):
    if n < 0:
        return Fraction(0)
    if n <= L - 1:
        return 2 - Fraction(1, 2**n)
    return Fraction(2) ** (L - n) - Fraction(1, 2**n)
