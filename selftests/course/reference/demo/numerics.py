"""Demo Lab, Problem 1: a numerically stable softmax (part 7) and log-softmax (part B1, bonus).

Reference solution: subtract each slice's maximum before exponentiating, so that the largest
exponent is exp(0) = 1 and nothing overflows; the log-softmax never takes the log of a
probability that may have underflowed.
"""
from __future__ import annotations

import torch

Tensor = torch.Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """7: exp(x_i) / sum_j exp(x_j) over every slice of `x` along `dim`."""
    exponentials = (x - x.amax(dim=dim, keepdim=True)).exp()
    return exponentials / exponentials.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """B1 (bonus): log(softmax(x, dim)), finite for every finite `x`."""
    shifted = x - x.amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
