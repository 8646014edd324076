"""Problem 5 reference: the All-CNN helpers of the template and the graded attack functions.

Laid out like a submission (self-contained: a student's file cannot import the grader). Every
function takes a model that maps images in [0, 1] to logits, in eval mode; eps is in [0, 1] units.
"""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


# ---------------------------------------------------------------- helpers (as in the template)

class View(nn.Module):
    def __init__(self, o: int) -> None:
        super().__init__()
        self.o = o

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, self.o)


def convbn(ci: int, co: int, ksz: int, s: int = 1, pz: int = 0) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(ci, co, ksz, stride=s, padding=pz), nn.ReLU(True),
                         nn.BatchNorm2d(co))


class AllCNN(nn.Module):
    """The course's All-CNN (`allcnn_t`), 1,667,166 parameters with c1=96, c2=192."""

    def __init__(self, c1: int = 96, c2: int = 192) -> None:
        super().__init__()
        self.m = nn.Sequential(
            nn.Dropout(0.2),
            convbn(3, c1, 3, 1, 1), convbn(c1, c1, 3, 1, 1), convbn(c1, c1, 3, 2, 1),
            nn.Dropout(0.5),
            convbn(c1, c2, 3, 1, 1), convbn(c2, c2, 3, 1, 1), convbn(c2, c2, 3, 2, 1),
            nn.Dropout(0.5),
            convbn(c2, c2, 3, 1, 1), convbn(c2, c2, 3, 1, 1), convbn(c2, 10, 1, 1),
            nn.AvgPool2d(8),
            View(10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.m(x)


allcnn_t = AllCNN


def save_checkpoint(model: nn.Module, path: str | Path, mean: Sequence[float] | None = None,
                    std: Sequence[float] | None = None) -> None:
    """Save the weights (and the input normalization, if any) the way the grader reads them."""
    while hasattr(model, "module") or hasattr(model, "_orig_mod"):
        model = getattr(model, "module", None) or getattr(model, "_orig_mod")
    state = {name: tensor.detach().cpu().clone() for name, tensor in model.state_dict().items()}
    torch.save({"state_dict": state,
                "mean": [float(v) for v in mean] if mean is not None else None,
                "std": [float(v) for v in std] if std is not None else None}, path)


def load_cifar10(root: str | Path, train: bool = False,
                 limit: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (N, 3, 32, 32) float32 in [0, 1] and labels (N,) int64 from `cifar-10-batches-py`."""
    root = Path(root)
    folder = root if (root / "test_batch").exists() else root / "cifar-10-batches-py"
    names = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
    images, labels = [], []
    for name in names:
        with open(folder / name, "rb") as handle:
            batch = pickle.load(handle, encoding="latin1")
        images.append(np.asarray(batch["data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
        labels.append(np.asarray(batch["labels"], dtype=np.int64))
    x = torch.from_numpy(np.concatenate(images)[:limit]).float().div_(255)
    return x, torch.from_numpy(np.concatenate(labels)[:limit])


# ---------------------------------------------------------------- graded functions

def _loss_gradient(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """d(mean cross-entropy)/dx; shared by the graded functions so that each stands alone."""
    with torch.enable_grad():  # also right when the caller is inside torch.no_grad()
        x = x.detach().clone().requires_grad_(True)
        loss = F.cross_entropy(model(x), y.to(x.device))
        (grad,) = torch.autograd.grad(loss, x)
    return grad


def _signed_step(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    return (x.detach() + eps * _loss_gradient(model, x, y).sign()).detach()


def input_gradient(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of the mean cross-entropy with respect to the input images."""
    return _loss_gradient(model, x, y)


def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One signed-gradient step of size eps (not clipped)."""
    return _signed_step(model, x, y, eps)


def signed_gradient_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float,
                           steps: int = 5) -> tuple[torch.Tensor, torch.Tensor]:
    """`steps` signed-gradient steps, the gradient recomputed at each; the losses after each."""
    losses = []
    for _ in range(steps):
        x = _signed_step(model, x, y, eps)
        with torch.no_grad():
            losses.append(F.cross_entropy(model(x), y.to(x.device)))
    return x, torch.stack(losses)


def adversarial_accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, eps: float,
                         batch_size: int = 100) -> tuple[float, float]:
    """Accuracy on the clean images and on their one-step (FGSM) perturbations."""
    clean_correct = adversarial_correct = 0
    for start in range(0, len(images), batch_size):
        x, y = images[start:start + batch_size], labels[start:start + batch_size].to(images.device)
        x_adv = fgsm(model, x, y, eps)
        with torch.no_grad():
            clean_correct += int((model(x).argmax(1) == y).sum())
            adversarial_correct += int((model(x_adv).argmax(1) == y).sum())
    return clean_correct / len(images), adversarial_correct / len(images)
