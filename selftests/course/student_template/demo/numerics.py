"""Demo Lab, Problem 1: a numerically stable softmax (part 7) and log-softmax (part B1, bonus).

What the autograder accepts, for both functions:

- `x` is a `torch.Tensor` of logits, float32 or float64, of any shape with at least one
  dimension; `dim` is the dimension to normalize over (negative values count from the end).
- Return a tensor of the same shape (any floating dtype, on any device). Never modify `x` in place.
- Logits may be large: 1000 in float64, 80 in float32 (where exp overflows past 88). A result
  with NaN or infinite entries scores nothing, so subtract each slice's maximum first.
"""
from __future__ import annotations

import torch

Tensor = torch.Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """7: exp(x_i) / sum_j exp(x_j) over every slice of `x` along `dim`.

    Every entry lies in [0, 1], every slice sums to 1, and p_i / p_j = exp(x_i - x_j).
    Example: softmax(torch.tensor([0.0, 0.0])) is tensor([0.5, 0.5]); softmax of
    torch.tensor([1000.0, 1000.0], dtype=torch.float64) is the same.
    """
    raise NotImplementedError


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """B1 (bonus): log(softmax(x, dim)), finite for every finite `x`.

    It is x_i - log(sum_j exp(x_j)) along `dim`. log(softmax(x)) is not enough: for logits 1e4 apart
    softmax underflows to 0 and its log is -inf, while the log-softmax is about -1e4.
    """
    raise NotImplementedError
