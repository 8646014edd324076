"""Problem 2's grader-side models and 2.4's scoring of the student's `cifar_net.pt`.

Support code of HW4's checks (`public/test_problem2.py`, `hidden/test_problem2.py`), built from
the engine's deep-learning blocks (model recipes, the safe checkpoint reader, CIFAR-10, the
batched clean evaluation). It is assignment content, not engine: the course's network is written
here as a `models.layers` recipe, so that the grader and the worker build the very same seeded
module.

- `tutorial_net(seed)`: the PyTorch tutorial's `Net` (62,006 parameters; state-dict keys
  conv1.weight ... fc3.bias, exactly those of the template's `Net`, whose pooling and ReLUs own
  no parameters).
- `tutorial_net_bn_dropout(seed)`: the same network with batch norm after each convolution and
  dropout before fc2 and fc3, so that training mode, eval mode and the random state matter.
- `score_checkpoint(student, options)`: read `cifar_net.pt` (or `cifar_net.pth`) in the worker
  without running code, load it into the grader's own `Net`, normalize the [0, 1] test images with
  the course's x -> 2x - 1 and score the clean accuracy once.
"""
from __future__ import annotations

import functools
from typing import Any

import torch
from torch import nn

from autograder.deeplearning import models
from autograder.deeplearning.adversarial import (
    evaluate,
    pick_device,
    read_test_set,
)
from autograder.deeplearning.checkpoint import CheckpointError, load_state_into
from autograder.deeplearning.accuracy_credit import CheckpointScore
from autograder.errors import CheckFailed
from tests.hw4.settings import SETTINGS

CHECKPOINT = "cifar_net.pt"
NET_PARAMETERS = 62_006
MEAN = (0.5, 0.5, 0.5)  # the course's Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)): x -> 2x - 1
STD = (0.5, 0.5, 0.5)
NET_WHAT = ("the tutorial's Net (conv1 = Conv2d(3, 6, 5), conv2 = Conv2d(6, 16, 5), "
            "fc1 = Linear(400, 120), fc2 = Linear(120, 84), fc3 = Linear(84, 10))")
SIZE_HINT = "the tutorial Net's weights are about 0.25 MB"
HOW_TO_SAVE = ("Save only the weights of the template's `Net`: `save_checkpoint(net)` (the "
               "template's helper) or `torch.save(net.state_dict(), 'cifar_net.pt')`.")
NESTED_HINT = ("The keys look nested inside another module: save the Net itself, e.g. "
               "`save_checkpoint(net)` for the network `net` inside your wrapper.")


def _max_bytes() -> int:
    [entry] = [f for f in SETTINGS.files if f.key == CHECKPOINT]
    return int(entry.max_mb * 1_000_000)


MAX_CHECKPOINT_BYTES = _max_bytes()


# ------------------------------------------------------------------------------ the course's Net
def _net_layers(k: int = 5, *, batch_norm: bool = False, dropout: float = 0.0) -> list[tuple]:
    side = ((32 - k + 1) // 2 - k + 1) // 2
    layers: list[tuple] = [("conv1", "Conv2d", {"in_channels": 3, "out_channels": 6, "kernel_size": k})]
    if batch_norm:
        layers.append(("bn1", "BatchNorm2d", {"num_features": 6}))
    layers += [("relu1", "ReLU", {}), ("pool1", "MaxPool2d", {"kernel_size": 2, "stride": 2}),
               ("conv2", "Conv2d", {"in_channels": 6, "out_channels": 16, "kernel_size": k})]
    if batch_norm:
        layers.append(("bn2", "BatchNorm2d", {"num_features": 16}))
    layers += [("relu2", "ReLU", {}), ("pool2", "MaxPool2d", {"kernel_size": 2, "stride": 2}),
               ("flatten", "Flatten", {}),
               ("fc1", "Linear", {"in_features": 16 * side * side, "out_features": 120}),
               ("relu3", "ReLU", {})]
    if dropout:
        layers.append(("drop1", "Dropout", {"p": dropout}))
    layers += [("fc2", "Linear", {"in_features": 120, "out_features": 84}), ("relu4", "ReLU", {})]
    if dropout:
        layers.append(("drop2", "Dropout", {"p": dropout}))
    layers.append(("fc3", "Linear", {"in_features": 84, "out_features": 10}))
    return layers


def tutorial_net(seed: int = 0, k: int = 5) -> models.ModelSpec:
    """The tutorial's `Net` (k = 5), or the same with both convolutions k x k, seeded."""
    return models.layers(_net_layers(k), seed=seed)


def tutorial_net_bn_dropout(seed: int = 0, *, dropout: float = 0.3,
                            randomize_buffers: bool = True) -> models.ModelSpec:
    """`Net` with BatchNorm2d after each convolution and Dropout(p) before fc2 and fc3.

    `randomize_buffers` gives the batch norms running statistics far from the batch statistics,
    so that eval mode and training mode give different outputs.
    """
    return models.layers(_net_layers(5, batch_norm=True, dropout=dropout), seed=seed,
                         randomize_buffers=randomize_buffers)


@functools.lru_cache(maxsize=1)
def net_state_shapes() -> dict[str, tuple[int, ...]]:
    return {name: tuple(t.shape) for name, t in models.build_model(tutorial_net()).state_dict().items()}


class Normalize(nn.Module):
    """The course's normalization in front of the network: it then takes [0, 1] images."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor(MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(STD).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def load_into_net(raw: dict[str, Any]) -> nn.Module:
    """The grader's own Net with the checkpoint's tensors, behind the course's normalization."""
    net = load_state_into(models.build_model(tutorial_net()), raw, what=NET_WHAT,
                          nested_hint=NESTED_HINT)
    return nn.Sequential(Normalize(), net).eval()


# ------------------------------------------------------------------------------ 2.4's checkpoint
def score_checkpoint(student: Any, options: Any) -> CheckpointScore:
    """Read the checkpoint in the worker, load it here, evaluate it (clean accuracy only).

    `options` has `data_dir`, `eval_limit` and `device` (the `grading_options` fixture). Every way
    the checkpoint or the data can be unusable becomes `failure`, a message, never a crash.
    """
    try:
        raw = student.read_checkpoint(CHECKPOINT, max_bytes=MAX_CHECKPOINT_BYTES,
                                      size_hint=SIZE_HINT, how_to_save=HOW_TO_SAVE)
        model = load_into_net(raw)
        split = read_test_set(options.data_dir, options.eval_limit or None)
    except CheckpointError as error:
        return CheckpointScore(None, (), failure=CheckFailed(f"{CHECKPOINT} cannot be used: {error}"))
    except CheckFailed as error:
        return CheckpointScore(None, (), failure=error)
    notes = [str(note) for note in raw.get("notes", [])]
    notes.append("test images normalized as the course does, x -> (x - 0.5) / 0.5 per channel "
                 "(Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)))")
    if raw.get("mean") is not None and (list(raw["mean"]) != list(MEAN) or list(raw.get("std") or []) != list(STD)):
        notes.append(f"the checkpoint's own mean {raw['mean']} and std {raw.get('std')} were not "
                     "used: the grader always normalizes with the course's (0.5, 0.5, 0.5)")
    result = evaluate(model, split.images, split.labels, None, device=pick_device(options.device))
    if not split.official:
        notes.append(f"the test set is not the official CIFAR-10 test batch ({split.description}): "
                     "this score is for development only")
    if options.eval_limit:
        notes.append(f"scored on the first {result.images:,} test images only (--eval-limit "
                     f"{options.eval_limit}); the real grade uses all 10,000")
    return CheckpointScore(result, tuple(notes), official=split.official and not options.eval_limit)
