"""Demo Lab, Problem 2: classify points of three blobs in the plane (parts Q5 and 3.1).

- Q5: `predict` and `accuracy` below, on logits of any number of classes.
- 3.1: train the MLP that `build_mlp()` makes on the training set `make_blobs(600, seed=0)`
  (write `train_mlp`), and submit its weights as `mlp.pt`, saved with
  `save_checkpoint(model, "mlp.pt")`. The grader loads them into its own `build_mlp()` (so keep
  that architecture) and scores them on fresh points of the same blobs: all 3 points at 90% test
  accuracy or more, none at 34% (chance) or less, linear in between.

`make_blobs`, `build_mlp` and `save_checkpoint` work as they are (not graded). Tensors are
`torch.Tensor`s; never modify an argument in place. You may submit a notebook instead of this
file: `pennkey_Classifier_Notebook.ipynb` stands in for it (only its definitions are used).
"""
from __future__ import annotations

import torch
from torch import nn

Tensor = torch.Tensor

CENTERS = ((0.0, 2.0), (-1.7320508, -1.0), (1.7320508, -1.0))  # one blob per class
SPREAD = 0.6  # standard deviation of each blob, in both directions


def make_blobs(count: int, seed: int) -> tuple[Tensor, Tensor]:
    """`count` points (float32, shape (count, 2)) and their classes (int64, shape (count,))."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, len(CENTERS), (count,), generator=generator)
    points = torch.tensor(CENTERS)[labels] + SPREAD * torch.randn(count, 2, generator=generator)
    return points, labels


def build_mlp() -> nn.Module:
    """The architecture mlp.pt must fit: 2 inputs, 16 hidden ReLU units, 3 logits."""
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))


def save_checkpoint(model: nn.Module, path: str = "mlp.pt") -> None:
    """Save the weights alone (a state dict), the only form the grader reads."""
    torch.save(model.state_dict(), path)


def train_mlp(points: Tensor, labels: Tensor, steps: int = 200, seed: int = 0) -> nn.Module:
    """3.1 (graded through mlp.pt): a `build_mlp()` trained to classify `points` as `labels`."""
    raise NotImplementedError


def predict(logits: Tensor) -> Tensor:
    """Q5: the predicted class of each row of `logits` (shape (N, C)): an int64 tensor of shape
    (N,) holding the index of the row's largest logit."""
    raise NotImplementedError


def accuracy(logits: Tensor, labels: Tensor) -> float:
    """Q5: the fraction of rows of `logits` whose predicted class is the row's label, as a
    Python float in [0, 1] (`labels`: int64, shape (N,))."""
    raise NotImplementedError
