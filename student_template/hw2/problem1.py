"""ESE 546 Homework 2, Problem 1: a closer look at ResNet-18.

Fill in the four functions below. The autograder calls them on torchvision's `resnet18()` and on
other models you have not seen (batch norm under other names, transposed and 1-D/3-D convolutions,
layer norm, modules that own raw parameters, shared and frozen parameters), so make each one follow
its definition, not the layer names of ResNet-18.

Rules shared by every function:
- Never modify the model's parameters, buffers or `training` flags as the caller sees them after the
  call (`evaluate` alone may leave the model in eval mode), and never modify the input tensors.
- Inputs may live on a GPU; work on the device they are on.

Try it locally:

    import torchvision
    model = torchvision.models.resnet18(weights=None)
    count_parameters(model)          # 11,689,512
"""
from __future__ import annotations

import torch
from torch import nn


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
             batch_size: int = 100) -> float:
    """Top-1 accuracy of `model` on a labelled set of images, computed as inference is meant to run.

    Args:
        model: a classifier; `model(x)` maps a batch (B, C, H, W) to logits (B, num_classes). It may
            arrive in training mode.
        images: float tensor (N, C, H, W), N >= 1, on the model's device.
        labels: integer tensor (N,) of class indices (int64 usually; any integer dtype).
        batch_size: how many images go through the model at once (the last batch may be smaller).

    Returns:
        A Python float in [0, 1]: (number of images whose highest logit is at their label) / N.
        A fraction, not a percentage, and a count over images, not an average of per-batch
        accuracies (those differ when the last batch is smaller), so the result is the same for
        every `batch_size`.

    Inference means all of:
    - batch-norm layers normalise with their running statistics and dropout is off (what does
      `model.eval()` change, and what does `model.train()` change back?);
    - no gradients are recorded: run the forward passes under `torch.no_grad()` or
      `torch.inference_mode()`;
    - running statistics are not updated (they would be by a forward pass in training mode).
    You may leave the model in eval mode afterwards, or restore the modes it arrived in.
    """
    raise NotImplementedError("evaluate: compute the eval-mode top-1 accuracy (problem 1.b)")


def parameters_per_layer(model: nn.Module) -> dict[str, int]:
    """How many parameter elements each module owns directly.

    Walk `model.named_modules()`; for each module whose own parameters
    (`module.parameters(recurse=False)`, i.e. not its children's) are non-empty, map the module's
    qualified name to the total number of elements of those parameters (`p.numel()` summed).

    - Keys are the names `named_modules()` gives (`"conv1"`, `"layer2.0.downsample.0"`, ...; the
      model itself is `""` if it owns parameters directly).
    - Modules that own no parameter themselves are left out: containers such as `layer1` or
      `layer1.0`, activations, pooling, and `BatchNorm2d(affine=False)`.
    - Values are Python ints.
    - A parameter shared by several modules (weight tying) counts under each module that owns it.

    For `resnet18()`: `conv1` 9,408, `bn1` 128, `layer1.0.conv1` 36,864, `layer2.0.downsample.0`
    8,192, `layer2.0.downsample.1` 256, `fc` 513,000 (41 entries in all).
    """
    raise NotImplementedError("parameters_per_layer: count each module's own parameters (problem 1.c)")


def count_parameters(model: nn.Module) -> int:
    """Total number of parameter elements of `model`, as a Python int.

    Frozen parameters (`requires_grad=False`) count too. A parameter shared by several modules
    (weight tying) is one parameter and counts once: summing `parameters_per_layer` double-counts
    it. `resnet18()` has 11,689,512.
    """
    raise NotImplementedError("count_parameters: total number of parameter elements (problem 1.c)")


def split_parameters(model: nn.Module) -> tuple[list, list, list]:
    """Split the model's parameters into `(batchnorm_affine, biases, rest)`.

    Returns a tuple of three lists holding the model's own `nn.Parameter` objects (the very objects
    `model.parameters()` yields, as an optimizer's parameter groups need them: not names, not
    `p.data`, not copies):

    - `batchnorm_affine`: the `weight` and `bias` of every batch-norm layer, that is every module
      that is an instance of `torch.nn.modules.batchnorm._BatchNorm` (`BatchNorm1d/2d/3d`,
      `SyncBatchNorm` and their subclasses), whatever it is called: in ResNet-18 `bn1`,
      `layer1.0.bn2`, but also `layer2.0.downsample.1`.
    - `biases`: the `bias` of every convolution (`Conv1d/2d/3d`, `ConvTranspose1d/2d/3d`) and
      every `nn.Linear` layer.
    - `rest`: every other parameter: convolution and linear weights, but also the parameters of
      `LayerNorm`, `GroupNorm` and `InstanceNorm` (they are not batch norm) and parameters that a
      module owns directly under any name (a parameter called `bias` on a custom module is not
      the bias of a convolution or linear layer).

    Every parameter of the model, frozen ones included, appears in exactly one list, exactly once,
    even when it is shared by several modules. Decide by the type of the module that owns the
    parameter (`isinstance`), not by substrings of its name. Order inside a list does not matter.
    For `resnet18()` the groups hold 9,600, 1,000 and 11,678,912 elements.
    """
    raise NotImplementedError("split_parameters: three parameter groups (problem 1.e)")
