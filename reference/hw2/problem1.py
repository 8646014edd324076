"""Reference solution, Problem 1 (ResNet-18): see the contract's "Problem 1" section."""
from __future__ import annotations

import torch
from torch import nn

_CONVOLUTIONS_AND_LINEAR = (nn.modules.conv._ConvNd, nn.Linear)


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
             batch_size: int = 100) -> float:
    """Top-1 accuracy (a fraction in [0, 1]) of `model` on `images` in inference mode.

    Batch norm uses its running statistics and dropout is off (`model.eval()`), no autograd graph
    is recorded (`torch.inference_mode()`), and every module's `training` flag is restored
    afterwards. Accuracy is counted over images, not averaged over batches, so it does not depend
    on `batch_size`.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    if len(images) == 0:
        raise ValueError("evaluate needs at least one image")
    flags = {module: module.training for module in model.modules()}
    correct = 0
    try:
        model.eval()
        with torch.inference_mode():
            for batch, batch_labels in zip(images.split(batch_size), labels.split(batch_size)):
                predictions = model(batch).argmax(dim=1)
                correct += int((predictions == batch_labels.to(predictions.device)).sum())
    finally:
        for module, flag in flags.items():
            module.training = flag
    return correct / len(images)


def parameters_per_layer(model: nn.Module) -> dict[str, int]:
    """Number of parameter elements each module owns directly, keyed by its qualified name.

    Only modules owning at least one parameter themselves appear (the top-level model is `""`); a
    parameter shared by several modules (weight tying) counts under each of them.
    """
    sizes = {}
    for name, module in model.named_modules():
        own = list(module.parameters(recurse=False))
        if own:
            sizes[name] = sum(parameter.numel() for parameter in own)
    return sizes


def count_parameters(model: nn.Module) -> int:
    """Total number of parameter elements, frozen ones included, shared parameters counted once."""
    return sum(parameter.numel() for parameter in model.parameters())


def split_parameters(model: nn.Module) -> tuple[list, list, list]:
    """`(batchnorm_affine, biases, rest)`: the model's parameter objects in three disjoint groups.

    Grouping goes by the class of the module owning a parameter, never by its name: batch norm is
    any `_BatchNorm` subclass (`downsample.1`, `norm`, `SyncBatchNorm`, ...); biases are the `bias`
    of convolutions (including transposed ones) and `Linear` layers; everything else, LayerNorm,
    GroupNorm and InstanceNorm included, is `rest`. A shared parameter is placed once, by the
    first module that owns it.
    """
    batchnorm_affine: list[nn.Parameter] = []
    biases: list[nn.Parameter] = []
    rest: list[nn.Parameter] = []
    seen: set[int] = set()
    for module in model.modules():
        for attribute, parameter in module.named_parameters(recurse=False):
            if id(parameter) in seen:
                continue
            seen.add(id(parameter))
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                batchnorm_affine.append(parameter)
            elif attribute == "bias" and isinstance(module, _CONVOLUTIONS_AND_LINEAR):
                biases.append(parameter)
            else:
                rest.append(parameter)
    return batchnorm_affine, biases, rest
