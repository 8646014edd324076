"""HW4 Problem 2 reference: a CIFAR-10 classifier (the PyTorch tutorial's `Net`).

Laid out like a submission (self-contained: a student's file cannot import the grader), with the
template's helpers and docstrings. The graded functions are 2.2's `conv_output_size` and
`net_with_kernel`, 2.3's `train_epoch` and 2.4's `evaluate`; `train_cifar_net.py` beside this file
trains `Net` with the course's recipe and saves `cifar_net.pt` (2.4's checkpoint).
"""
from __future__ import annotations

import pickle
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

CLASSES = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
MEAN = (0.5, 0.5, 0.5)  # the course's transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)):
STD = (0.5, 0.5, 0.5)   # x -> (x - 0.5) / 0.5 = 2x - 1 on images in [0, 1]


# ---------------------------------------------------------------- helpers (as in the template)

class Net(nn.Module):
    """The tutorial's CIFAR-10 network (cell Q2 of the notebook): 62,006 parameters.

    conv1 = Conv2d(3, 6, 5) -> ReLU -> MaxPool2d(2, 2) -> conv2 = Conv2d(6, 16, 5) -> ReLU ->
    MaxPool2d(2, 2) -> flatten (16 * 5 * 5 = 400) -> fc1 = Linear(400, 120) -> ReLU ->
    fc2 = Linear(120, 84) -> ReLU -> fc3 = Linear(84, 10). Input (N, 3, 32, 32) normalized images;
    output (N, 10) logits (no softmax: `nn.CrossEntropyLoss` applies log-softmax itself).

    Do not change it for part 2.4: the grader loads your `cifar_net.pt` into its own copy of this
    exact architecture (state-dict keys conv1.weight, conv1.bias, conv2.*, fc1.*, fc2.*, fc3.*).
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def cifar10_loaders(root: str | Path = "./data", batch_size: int = 4, download: bool = True,
                    num_workers: int = 2) -> tuple[torch.utils.data.DataLoader, torch.utils.data.DataLoader]:
    """The notebook's data loading (cell Q1): `(train_loader, test_loader)` over CIFAR-10.

    torchvision's `CIFAR10` under `root` (downloaded there when `download` is True), each image
    turned into a float tensor (3, 32, 32) in [0, 1] by `ToTensor()` and then normalized by
    `Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))`. 50,000 training images, reshuffled every epoch;
    10,000 test images in their fixed order. Labels are int64 class indices into `CLASSES`.
    """
    import torchvision
    from torchvision import transforms

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    train_set = torchvision.datasets.CIFAR10(root=str(root), train=True, download=download,
                                             transform=transform)
    test_set = torchvision.datasets.CIFAR10(root=str(root), train=False, download=download,
                                            transform=transform)
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=batch_size, shuffle=True,
                                               num_workers=num_workers)
    test_loader = torch.utils.data.DataLoader(test_set, batch_size=batch_size, shuffle=False,
                                              num_workers=num_workers)
    return train_loader, test_loader


def load_cifar10(root: str | Path, train: bool = False,
                 limit: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """CIFAR-10 as tensors, without torchvision: images (N, 3, 32, 32) float32 in [0, 1] (NOT yet
    normalized: see `normalize`) and labels (N,) int64.

    `root` holds `cifar-10-batches-py/` (or is that folder), as written by `cifar10_loaders`.
    `train=False` reads the 10,000 test images, `train=True` the 50,000 training images; `limit`
    keeps the first `limit`.
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


def normalize(images: torch.Tensor) -> torch.Tensor:
    """The course's normalization of [0, 1] images: (x - 0.5) / 0.5 per channel, i.e. 2x - 1."""
    mean = torch.tensor(MEAN, dtype=images.dtype, device=images.device).view(1, 3, 1, 1)
    std = torch.tensor(STD, dtype=images.dtype, device=images.device).view(1, 3, 1, 1)
    return (images - mean) / std


def save_checkpoint(net: nn.Module, path: str | Path = "cifar_net.pt") -> None:
    """Save your trained `Net`'s weights for the grader (part 2.4) as `cifar_net.pt`.

    Only the state dict is saved (tensors only, so the file loads with
    `torch.load(path, weights_only=True)`); a `DataParallel` or `torch.compile` wrapper is
    unwrapped, and GPU tensors are moved to the CPU. `torch.save(net.state_dict(), PATH)` as in
    the notebook is accepted too, as is the notebook's name `cifar_net.pth`. The grader feeds the
    network test images normalized as `normalize` does: train it on such images.
    """
    while hasattr(net, "module") or hasattr(net, "_orig_mod"):
        net = getattr(net, "module", None) or net._orig_mod
    state = {name: tensor.detach().cpu().clone() for name, tensor in net.state_dict().items()}
    torch.save(state, path)


# ---------------------------------------------------------------- graded functions

def conv_output_size(h: int, k: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    """The output height (or width) of a convolution or pooling layer (part 2.2).

    `h` is the input height, `k` the kernel size, `padding` the zeros added on each side (so the
    padded input is h + 2 * padding high), `stride` the step between windows and `dilation` the
    spacing between kernel taps (1: adjacent taps; the kernel then spans dilation * (k - 1) + 1
    rows). Returns the number of complete windows, a Python int: PyTorch's
    floor((h + 2 * padding - dilation * (k - 1) - 1) / stride) + 1. Windows that would run past
    the padded input are not counted (round down, never up). Examples: 32 with k = 5 gives 28;
    28 through MaxPool2d(2, 2) (k = 2, stride = 2) gives 14; 32 with k = 3, stride 2 gives 15.
    """
    return (h + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def net_with_kernel(k: int) -> nn.Module:
    """The tutorial `Net` with both convolutions k x k (question 2.2.4), as a new module (part 2.2).

    Return a freshly initialized `nn.Module` (any class: `nn.Sequential`, a class of your own, ...)
    that, like `Net`, has exactly two `nn.Conv2d` layers, the first 3 -> 6 channels and the second
    6 -> 16 channels, each with a k x k kernel, followed by ReLU and max pooling as in `Net`, and
    fully connected layers ending in 10 outputs. It must map a batch (N, 3, 32, 32) to logits
    (N, 10): raw scores, no softmax at the end (`nn.CrossEntropyLoss` expects logits). Changing
    only the kernel size breaks `Net` (with k = 3 the flatten has 16 * 6 * 6 = 576 features, not
    400): size the first linear layer for what reaches it, e.g. with `conv_output_size`. Padding,
    dilation, adaptive pooling or `nn.LazyLinear` are also fine ways to make it fit.

    Graded for k = 3, 5 and 7 by running the module you return (in eval mode, without gradients)
    on random batches of shape (N, 3, 32, 32) and reading its layers (types, kernel sizes,
    channels).
    """
    side = conv_output_size(conv_output_size(32, k), 2, stride=2)
    side = conv_output_size(conv_output_size(side, k), 2, stride=2)
    if side < 1:
        raise ValueError(f"a {k} x {k} kernel leaves nothing to flatten on 32 x 32 images")
    return nn.Sequential(
        nn.Conv2d(3, 6, k), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, k), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * side * side, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def train_epoch(net: nn.Module, loader: Iterable, optimizer: torch.optim.Optimizer,
                criterion: nn.Module) -> float:
    """Train `net` for one epoch: one optimizer step per mini-batch of `loader` (part 2.3).

    `loader` yields `(inputs, labels)` mini-batches (e.g. a `DataLoader`), all of the same size;
    `optimizer` was built over `net.parameters()`; `criterion` is the loss (e.g.
    `nn.CrossEntropyLoss()`), called as `criterion(net(inputs), labels)`. `net` arrives in
    training mode with no stored gradients: leave it in training mode (do not call `net.eval()`,
    which would change what dropout and batch norm do). For every mini-batch, in order: clear the
    gradients (`optimizer.zero_grad()`: PyTorch adds each backward pass's gradients to those
    already stored), compute the loss, back-propagate, then take the step
    (`optimizer.step()`). Nothing else may change the parameters.

    Returns the mean of the mini-batch losses over the epoch, a float (`loss.item()` of each
    batch, added up, divided by the number of batches): not their sum, and not the notebook's
    running loss over the last 2,000 batches. Compute on the device `net` is on (the grader's
    network and batches are on the CPU): if you move batches, move them to
    `next(net.parameters()).device`, not to a device of your choosing.
    """
    losses = []
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def evaluate(net: nn.Module, loader: Iterable) -> float:
    """The accuracy of `net` on every sample of `loader`, as a fraction in [0, 1] (part 2.4).

    `loader` yields `(images, labels)` mini-batches (the last one may be smaller). The predicted
    class of an image is the argmax of `net`'s 10 logits. Returns a float: the number of correctly
    classified images divided by the total number of images (0.59 for 59%, not 59 as the
    notebook's `correct * 100 / total` prints it; and not the mean of per-batch accuracies, which
    differs when the last batch is smaller). The result must not depend on the batch size.
    Evaluate as inference runs: put `net` in eval mode first (`net.eval()`: dropout off, batch
    norm on its running statistics; you may leave it in eval mode) and record no gradients
    (`with torch.no_grad():`); the parameters and running statistics must not change. As in
    `train_epoch`, compute on the device `net` is on.
    """
    net.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            predicted = net(images).argmax(dim=1)
            correct += int((predicted == labels).sum())
            total += labels.numel()
    return correct / total
