"""The grader's own copy of the course's All-CNN (problem 5), and its seeded test instances.

The layer layout matches the course's model code exactly, so a `state_dict` saved from a student's
notebook (keys `m.1.0.weight`, `m.1.2.running_mean`, ...) loads unchanged. The grader never uses
the student's class: it builds this one and loads only tensors into it.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import torch
from torch import nn

from autograder.deeplearning.seeds import seed_cpu
from autograder.expected_store import stored

NUM_CLASSES = 10
NUM_PARAMETERS = 1_667_166  # c1=96, c2=192: convolutions 1,664,650 + batch norm 2,516
CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)


class View(nn.Module):
    """Reshape to (-1, o): the course's last layer (it holds no parameters)."""

    def __init__(self, o: int) -> None:
        super().__init__()
        self.o = o

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, self.o)  # reshape, not view: also right for channels_last inputs


def convbn(ci: int, co: int, ksz: int, s: int = 1, pz: int = 0) -> nn.Sequential:
    """Convolution, ReLU, then batch norm: the course's building block (keys `.0.*` and `.2.*`)."""
    return nn.Sequential(
        nn.Conv2d(ci, co, ksz, stride=s, padding=pz),
        nn.ReLU(inplace=True),
        nn.BatchNorm2d(co),
    )


class AllCNN(nn.Module):
    """The course's `allcnn_t`: 32x32 RGB images to 10 logits; its only child is `m`."""

    def __init__(self, c1: int = 96, c2: int = 192) -> None:
        super().__init__()
        self.m = nn.Sequential(
            nn.Dropout(0.2),
            convbn(3, c1, 3, 1, 1),
            convbn(c1, c1, 3, 1, 1),
            convbn(c1, c1, 3, 2, 1),
            nn.Dropout(0.5),
            convbn(c1, c2, 3, 1, 1),
            convbn(c2, c2, 3, 1, 1),
            convbn(c2, c2, 3, 2, 1),
            nn.Dropout(0.5),
            convbn(c2, c2, 3, 1, 1),
            convbn(c2, c2, 3, 1, 1),
            convbn(c2, NUM_CLASSES, 1, 1),
            nn.AvgPool2d(8),
            View(NUM_CLASSES),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.m(x)


class Normalized(nn.Module):
    """Wrap a model that expects normalized inputs so that it takes images in [0, 1].

    `mean` and `std` (3 floats each) are buffers, so they follow `.to(device)`; they are not
    persistent, so `state_dict()` holds only the inner model's tensors (under `model.`).
    """

    def __init__(self, model: nn.Module, mean: Sequence[float], std: Sequence[float]) -> None:
        super().__init__()
        self.model = model
        self.register_buffer("mean", torch.tensor([float(v) for v in mean]).view(1, -1, 1, 1),
                             persistent=False)
        self.register_buffer("std", torch.tensor([float(v) for v in std]).view(1, -1, 1, 1),
                             persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model((x - self.mean.to(x.dtype)) / self.std.to(x.dtype))


def with_normalization(model: nn.Module, mean: Sequence[float] | None,
                       std: Sequence[float] | None) -> nn.Module:
    """`Normalized(model, mean, std)` when both are given, the model itself when neither is."""
    if mean is None and std is None:
        return model
    if mean is None or std is None:
        raise ValueError("give both mean and std, or neither")
    if len(mean) != 3 or len(std) != 3:
        raise ValueError("mean and std must hold 3 numbers each (one per RGB channel)")
    if any(not (float(s) > 0) for s in std):
        raise ValueError("every std entry must be positive")
    return Normalized(model, mean, std)


def count_parameters(model: nn.Module) -> int:
    """Number of parameter elements, each parameter counted once."""
    return sum(p.numel() for p in model.parameters())


def calibration_images(count: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Seeded images in [0, 1]: half smooth blobs with a little noise, half uniform noise."""
    generator = torch.Generator().manual_seed(seed)
    smooth_count = (count + 1) // 2
    coarse = torch.rand(smooth_count, 3, 8, 8, generator=generator, dtype=torch.float64)
    smooth = nn.functional.interpolate(coarse, size=32, mode="bilinear", align_corners=False)
    smooth = smooth + 0.1 * torch.rand(smooth.shape, generator=generator, dtype=torch.float64)
    noise = torch.rand(count - smooth_count, 3, 32, 32, generator=generator, dtype=torch.float64)
    return torch.cat([smooth, noise]).clamp(0, 1).to(dtype)


@stored  # ~0.35 s of float64 per seed, in every grading otherwise
def _seeded_state(seed: int, mean: tuple[float, ...] | None,
                  std: tuple[float, ...] | None) -> dict[str, torch.Tensor]:
    """Weights from `seed`, and running statistics that keep eval-mode activations in range.

    Default running statistics (mean 0, var 1) make a random All-CNN's logits vanishingly small;
    a real checkpoint's do not. So the statistics are estimated, as training would, from one
    seeded batch of `calibration_images` (through the normalization, dropout off), in float64 so
    that the float32 result is the same whatever the thread count or machine.
    """
    with torch.random.fork_rng(devices=[]):
        seed_cpu(seed)
        model = AllCNN().double()
    images = calibration_images(10, seed, torch.float64)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.reset_running_stats()
            module.momentum = None  # cumulative average: the plain batch statistics
            module.train()
        else:
            module.eval()
    with torch.no_grad():
        with_normalization(model, mean, std).double()(images)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.momentum = 0.1
    return {name: tensor.detach().float().clone() if tensor.is_floating_point() else tensor.clone()
            for name, tensor in model.state_dict().items()}


def seeded_state(seed: int, mean: Sequence[float] | None = None,
                 std: Sequence[float] | None = None) -> dict[str, torch.Tensor]:
    """The weights and buffers `build_allcnn(seed, mean, std)` loads (computed once per process)."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError("seed must be an int")
    return _seeded_state(seed, tuple(float(v) for v in mean) if mean is not None else None,
                         tuple(float(v) for v in std) if std is not None else None)


def build_allcnn(seed: int, mean: Sequence[float] | None = None, std: Sequence[float] | None = None,
                 *, state: Mapping[str, torch.Tensor] | None = None) -> nn.Module:
    """A deterministic All-CNN for `seed`, in eval mode, normalizing inside when mean/std are given.

    The same seed gives bit-identical float32 weights and buffers in the grader and in the worker;
    `state` is `seeded_state(seed, mean, std)` computed elsewhere (the grader's, sent along).
    """
    model = AllCNN()
    model.load_state_dict(seeded_state(seed, mean, std) if state is None else state)
    model = with_normalization(model, mean, std)
    return model.eval()
