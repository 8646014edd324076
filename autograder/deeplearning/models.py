"""Models as plain-data recipes.

`nn.Module` objects cannot cross the process boundary to student code (and must not: a module is
code). A check therefore sends a `ModelSpec`, a JSON-able recipe, and the worker builds the module
with `build_model`; the grader builds the very same module (same seed, same weights) to compute
expected values. Recipes name only classes from the allow-lists below, so a spec can never make
either side run arbitrary code.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import torch
from torch import nn

from autograder.boundary import wire
from autograder.deeplearning.seeds import seed_cpu


@dataclass(frozen=True)
class ModelSpec:
    """A JSON-able recipe for a model: `recipe["arch"]` says which builder reads the rest."""

    recipe: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.recipe))

    def as_json(self) -> str:
        """The recipe as canonical JSON: a key for caches and stored expected values (which take
        plain arguments only); `from_json` reads it back."""
        return json.dumps(self.as_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ModelSpec":
        return cls(json.loads(text))

    def in_training_mode(self) -> "ModelSpec":
        """The same recipe, handed over in training mode (as in the middle of training)."""
        return ModelSpec({**self.as_dict(), "train_mode": True})


class ModelSpecError(ValueError):
    """A recipe names something that is not on an allow-list, or is malformed."""


class RenamedBatchNorm2d(nn.BatchNorm2d):
    """Batch norm under a class name without 'BatchNorm': still a `_BatchNorm` subclass."""


class ScaleShift(nn.Module):
    """A module that owns raw parameters directly (no child layer), like a hand-written affine."""

    def __init__(self, num_features: int) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(num_features))
        self.shift = nn.Parameter(torch.zeros(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = (1, -1) + (1,) * (x.dim() - 2)
        return x * self.scale.view(shape) + self.shift.view(shape)


class Stack(nn.Module):
    """A container that runs its children in order and may own parameters directly."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for child in self.children():
            x = child(x)
        return x


_TORCH_LAYERS = (
    "Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d Linear Bilinear "
    "BatchNorm1d BatchNorm2d BatchNorm3d SyncBatchNorm LayerNorm GroupNorm "
    "InstanceNorm1d InstanceNorm2d InstanceNorm3d LocalResponseNorm Embedding PReLU "
    "ReLU LeakyReLU GELU Tanh Sigmoid Softplus Dropout Dropout1d Dropout2d Dropout3d "
    "Flatten Identity MaxPool1d MaxPool2d AvgPool1d AvgPool2d AdaptiveAvgPool1d AdaptiveAvgPool2d"
).split()
LAYER_CLASSES: dict[str, type[nn.Module]] = {name: getattr(nn, name) for name in _TORCH_LAYERS}
LAYER_CLASSES.update({"RenamedBatchNorm2d": RenamedBatchNorm2d, "ScaleShift": ScaleShift})

TORCHVISION_MODELS = ("resnet18", "resnet34", "resnet50", "mobilenet_v2", "vgg11_bn", "squeezenet1_0")


def torchvision_model(name: str = "resnet18", *, seed: int = 0, **kwargs: Any) -> ModelSpec:
    """A torchvision classification model, randomly initialised from `seed` (no download)."""
    return ModelSpec({"arch": "torchvision", "name": name, "seed": seed, "kwargs": kwargs})


def layers(
    children: Sequence[Any],
    *,
    seed: int = 0,
    parameters: Mapping[str, Sequence[int]] | None = None,
    tie: Mapping[str, str] | None = None,
    frozen: Iterable[str] = (),
    randomize_buffers: bool = False,
) -> ModelSpec:
    """A `Stack` of layers.

    `children` items are `(name, "ClassName", {kwargs})` for a layer from `LAYER_CLASSES`, or
    `(name, [items...])` / `(name, {"children": [...], "parameters": {...}})` for a nested stack.
    `parameters` gives the top stack raw parameters of the given shapes; `tie` maps a parameter
    path to another whose Parameter object it must share (weight tying); `frozen` lists parameter
    paths with `requires_grad=False`; `randomize_buffers` gives batch-norm layers non-trivial
    running statistics so that training-mode and eval-mode outputs differ.
    """
    return ModelSpec({
        "arch": "layers",
        "seed": seed,
        "stack": {"children": _normalise_children(children), "parameters": dict(parameters or {})},
        "tie": dict(tie or {}),
        "frozen": list(frozen),
        "randomize_buffers": randomize_buffers,
    })


def allcnn(*, seed: int = 0, mean: Sequence[float] | None = None,
           std: Sequence[float] | None = None) -> ModelSpec:
    """The course's All-CNN (problem 5), seeded, optionally with input normalization inside."""
    return ModelSpec({"arch": "allcnn", "seed": seed,
                      "mean": list(mean) if mean is not None else None,
                      "std": list(std) if std is not None else None})


def _normalise_children(children: Sequence[Any]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for item in children:
        if len(item) == 3:
            name, cls, kwargs = item
            out.append([name, cls, dict(kwargs)])
        elif len(item) == 2 and isinstance(item[1], (list, tuple)):
            out.append([item[0], {"children": _normalise_children(item[1]), "parameters": {}}])
        elif len(item) == 2 and isinstance(item[1], Mapping):
            nested = dict(item[1])
            out.append([item[0], {"children": _normalise_children(nested.get("children", [])),
                                  "parameters": dict(nested.get("parameters", {}))}])
        else:
            raise ModelSpecError(f"cannot read layer item {item!r}")
    return out


def prebuilt_state(spec: ModelSpec) -> dict[str, torch.Tensor] | None:
    """Weights the grader sends along with a recipe, for architectures whose seeded weights are
    dear to compute (the All-CNN's calibrated running statistics): the worker then loads them
    instead of computing them again. None: the worker builds from the recipe alone."""
    recipe = spec.as_dict()
    if recipe.get("arch") != "allcnn" or not isinstance(recipe.get("seed", 0), int):
        return None
    from autograder.deeplearning.allcnn import seeded_state

    return seeded_state(recipe.get("seed", 0), recipe.get("mean"), recipe.get("std"))


wire.send_as_recipe(ModelSpec, lambda spec, walk: {
    "$t": "model", "recipe": spec.as_dict(),
    **({"state": walk(state)} if (state := prebuilt_state(spec)) is not None else {})})


def build_model(spec: ModelSpec | Mapping[str, Any],
                state: Mapping[str, torch.Tensor] | None = None) -> nn.Module:
    """Build the module a recipe describes, deterministically, in eval mode unless it says otherwise.
    `state`: the weights `prebuilt_state` gave for it (from the grader), loaded as they are."""
    recipe = spec.as_dict() if isinstance(spec, ModelSpec) else copy.deepcopy(dict(spec))
    arch = recipe.get("arch")
    seed = recipe.get("seed", 0)
    if not isinstance(seed, int):
        raise ModelSpecError("seed must be an int")
    with torch.random.fork_rng(devices=[]):
        seed_cpu(seed)
        if arch == "torchvision":
            model = _build_torchvision(recipe)
        elif arch == "layers":
            model = _build_layers(recipe)
        elif arch == "allcnn":
            from autograder.deeplearning.allcnn import build_allcnn

            model = build_allcnn(seed, mean=recipe.get("mean"), std=recipe.get("std"), state=state)
        else:
            raise ModelSpecError(f"unknown model arch {arch!r}")
    if recipe.get("train_mode"):
        model.train()
    else:
        model.eval()
    return model


def _build_torchvision(recipe: dict[str, Any]) -> nn.Module:
    name = recipe.get("name")
    if name not in TORCHVISION_MODELS:
        raise ModelSpecError(f"torchvision model {name!r} is not on the allow-list")
    kwargs = recipe.get("kwargs", {})
    _check_plain_kwargs(kwargs)
    import torchvision

    return getattr(torchvision.models, name)(weights=None, **kwargs)


def _build_layers(recipe: dict[str, Any]) -> nn.Module:
    model = _build_stack(recipe["stack"])
    params = dict(model.named_parameters(remove_duplicate=False))
    for target, source in recipe.get("tie", {}).items():
        if source not in params:
            raise ModelSpecError(f"tie source {source!r} is not a parameter")
        owner_path, _, attr = target.rpartition(".")
        owner = model.get_submodule(owner_path) if owner_path else model
        setattr(owner, attr, params[source])
    params = dict(model.named_parameters(remove_duplicate=False))
    for name in recipe.get("frozen", []):
        if name not in params:
            raise ModelSpecError(f"frozen parameter {name!r} does not exist")
        params[name].requires_grad_(False)
    if recipe.get("randomize_buffers"):
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.track_running_stats:
                module.running_mean.normal_(0.0, 0.5)
                module.running_var.uniform_(0.5, 2.0)
    return model


def _build_stack(node: Mapping[str, Any]) -> nn.Module:
    stack = Stack()
    for name, shape in node.get("parameters", {}).items():
        if not all(isinstance(s, int) and 0 < s <= 4096 for s in shape):
            raise ModelSpecError(f"bad parameter shape {shape!r}")
        stack.register_parameter(name, nn.Parameter(torch.randn(*shape)))
    for child in node.get("children", []):
        if len(child) == 3:
            name, cls_name, kwargs = child
            if cls_name not in LAYER_CLASSES:
                raise ModelSpecError(f"layer class {cls_name!r} is not on the allow-list")
            _check_plain_kwargs(kwargs)
            stack.add_module(name, LAYER_CLASSES[cls_name](**kwargs))
        else:
            name, nested = child
            stack.add_module(name, _build_stack(nested))
    return stack


def _check_plain_kwargs(kwargs: Mapping[str, Any]) -> None:
    """Layer arguments must be plain JSON values: a spec may never smuggle in an object."""
    def plain(value: Any) -> bool:
        if isinstance(value, (bool, int, float, str)) or value is None:
            return True
        if isinstance(value, (list, tuple)):
            return all(plain(v) for v in value)
        return False

    for key, value in kwargs.items():
        if not isinstance(key, str) or not plain(value):
            raise ModelSpecError(f"layer argument {key!r} is not plain data")
