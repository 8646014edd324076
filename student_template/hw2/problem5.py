"""ESE 546 Homework 2, Problem 5: adversarial examples for the All-CNN.

Fill in the four functions under "Graded functions". The helpers above them work as given: the
course's All-CNN, `save_checkpoint` (use it to write `allcnn.pt` for part 5.a) and a CIFAR-10
reader. Submit this file as `problem5.py` together with `allcnn.pt`.

Conventions for every graded function:

* `model` maps images in [0, 1] to logits (N, 10). If you trained on normalized images, put the
  normalization inside the model; the grader passes a model that already does so when it needs
  to. `model` is in eval mode when you receive it: leave it so (never call `model.train()`), and do
  not change its parameters or buffers.
* `x` / `images` are float tensors (N, 3, 32, 32) with values in [0, 1] (float32 or float64); `y` /
  `labels` are int64 class indices (N,). They may live on a GPU: compute on their device and return
  results on that device or on the CPU. Never modify them in place (clone first).
* `eps` is in the same [0, 1] scale: the homework's eps = 8 on the [0, 255] scale is 8 / 255.
* "The loss" is the cross-entropy of the logits with respect to the labels. Mean or sum over the
  batch are both accepted (they only scale the gradient), as is `log_softmax` + `nll_loss`.
* Returned tensors may also be NumPy arrays with the same values.
"""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F  # noqa: F401  (you will want it)
from torch import nn


# ---------------------------------------------------------------- helpers (given, working)

class View(nn.Module):
    """Reshape to (-1, o): the last layer of the All-CNN."""

    def __init__(self, o: int) -> None:
        super().__init__()
        self.o = o

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, self.o)


def convbn(ci: int, co: int, ksz: int, s: int = 1, pz: int = 0) -> nn.Sequential:
    """Convolution, ReLU, batch norm: the All-CNN's building block."""
    return nn.Sequential(nn.Conv2d(ci, co, ksz, stride=s, padding=pz), nn.ReLU(True),
                         nn.BatchNorm2d(co))


class AllCNN(nn.Module):
    """The course's All-CNN (`allcnn_t`): 1,667,166 parameters with c1=96, c2=192.

    Do not change the layers: the grader loads your `allcnn.pt` into its own copy of this exact
    architecture (state-dict keys `m.1.0.weight`, `m.1.2.running_mean`, ...). Input: (N, 3, 32, 32);
    output: logits (N, 10).
    """

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


allcnn_t = AllCNN  # the name used by the course's code


def save_checkpoint(model: nn.Module, path: str | Path, mean: Sequence[float] | None = None,
                    std: Sequence[float] | None = None) -> None:
    """Save `model`'s weights for the grader, with the input normalization you trained with.

    `model` is your trained `AllCNN` (a `DataParallel` or `torch.compile` wrapper is unwrapped).
    If your training images were normalized as `(x - mean) / std` per channel, pass those 3 means
    and 3 standard deviations (in the [0, 1] scale, e.g. CIFAR-10's `(0.4914, 0.4822, 0.4465)` and
    `(0.2470, 0.2435, 0.2616)`): the grader will normalize [0, 1] images the same way. If you
    trained on plain [0, 1] images, leave both as None. Only tensors and numbers are saved, so the
    file loads with `torch.load(path, weights_only=True)`.

    Before saving, make sure `model.eval()` gives the accuracy you expect: the All-CNN puts dropout
    before batch norm, so the running statistics can be off after training with a high learning
    rate. If eval-mode accuracy is far below training accuracy, re-estimate them with dropout off:
    reset them (`bn.reset_running_stats()`, `bn.momentum = None` for every batch-norm layer), put
    only the batch-norm layers in train mode, and run a few thousand training images through the
    model under `torch.no_grad()`.
    """
    while hasattr(model, "module") or hasattr(model, "_orig_mod"):
        model = getattr(model, "module", None) or getattr(model, "_orig_mod")
    state = {name: tensor.detach().cpu().clone() for name, tensor in model.state_dict().items()}
    torch.save({"state_dict": state,
                "mean": [float(v) for v in mean] if mean is not None else None,
                "std": [float(v) for v in std] if std is not None else None}, path)


def load_cifar10(root: str | Path, train: bool = False,
                 limit: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """CIFAR-10 as tensors: images (N, 3, 32, 32) float32 in [0, 1], labels (N,) int64.

    `root` holds `cifar-10-batches-py/` (or is that folder), as written by
    `torchvision.datasets.CIFAR10(root, download=True)`. `train=False` reads the 10,000 test
    images, `train=True` the 50,000 training images; `limit` keeps the first `limit`.
    """
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

def input_gradient(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The gradient of the loss with respect to the input images (part 5.b).

    Returns a tensor of the same shape as `x` (N, 3, 32, 32): entry [i, c, h, w] is the partial
    derivative of the cross-entropy loss (mean or sum over the batch) with respect to x[i, c, h, w].
    Work on a detached copy of `x` that requires a gradient (`x.detach().clone().requires_grad_()`):
    `x` itself must not change, and the model's parameters must not be touched (no optimizer step;
    `torch.autograd.grad(loss, x_copy)` avoids filling the parameters' `.grad`). Call it under
    `torch.enable_grad()` if the caller might have turned gradients off.
    """
    raise NotImplementedError("input_gradient")


def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """The one-step signed-gradient (FGSM) attack: x + eps * sign(dloss/dx) (part 5.c).

    Returns the perturbed images, same shape as `x`. Every pixel moves by exactly `eps`, in the
    direction that increases the loss: up where the gradient is positive, down where it is
    negative (and not at all where it is exactly 0). `eps` is added to the [0, 1] images the model
    receives, never to normalized ones. Clipping the result to [0, 1] is allowed, not required.
    The model stays in eval mode throughout.
    """
    raise NotImplementedError("fgsm")


def signed_gradient_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float,
                           steps: int = 5) -> tuple[torch.Tensor, torch.Tensor]:
    """The homework's `steps`-step signed-gradient attack, and the loss after each step (part 5.b).

    Starting from x_0 = x, step k (k = 1..steps) computes the gradient at the previous image,
    x_k = x_{k-1} + eps * sign(dloss/dx at x_{k-1}); the gradient must be recomputed at every step
    (reusing the first one is a different, weaker attack). There is no projection back onto an
    eps-ball: the total perturbation can reach steps * eps. Clipping each x_k to [0, 1] is allowed.

    Returns `(x_adv, losses)`: `x_adv` = x_steps, same shape as `x`; `losses` has shape (steps,)
    and `losses[k]` is the cross-entropy averaged over the batch (mean reduction here, whatever
    you used for the gradient) on the images after step k + 1, computed in eval mode.
    """
    raise NotImplementedError("signed_gradient_attack")


def adversarial_accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, eps: float,
                         batch_size: int = 100) -> tuple[float, float]:
    """Accuracy on clean images and on their one-step FGSM perturbations (part 5.c).

    Returns `(clean_acc, adv_acc)`, two floats in [0, 1]: the fraction of `images` whose predicted
    class (argmax of the logits) equals the label, before and after the `fgsm` attack of size
    `eps`. Process the images `batch_size` at a time (the last batch may be smaller); the result
    must not depend on `batch_size`. Evaluate as inference runs: eval mode (batch norm uses its
    running statistics, dropout off), and do not update the running statistics. Every image is
    attacked, including those already misclassified.
    """
    raise NotImplementedError("adversarial_accuracy")
