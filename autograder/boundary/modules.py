"""A student's `nn.Module` as plain data: its layers, their settings, its parameter counts.

A check that asks a student's function for a network cannot receive the module: a module is code.
WORKER: `describe` reads what the module is made of through torch's own base-class methods and
attributes of torch's own layer classes, never through a method the student's class defines, and
`probe` runs it on the grader's inputs (student code, in the worker, where it belongs). GRADER:
`read_module` validates the description from scratch into `ModuleInfo`, whose every field is a
plain value; a layer of a class the student wrote is `kind="custom"`, its name never shown.

What a description can say is only what the worker saw; a submission that lies about its own
layers only describes itself wrongly, and the checks that run it on inputs still see its outputs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

MAX_LAYERS = 1_000
MAX_NAME = 200
MAX_SUMMARY = 300
# Settings read from torch's own layers, by class: attribute names, each an int, a float, a
# str or a tuple of ints.
_SETTINGS = {
    "pool": ("kernel_size", "stride", "padding", "dilation"),
    "adaptive": ("output_size",),
    "dropout": ("p",),
    "softmax": ("dim",),
    "flatten": ("start_dim", "end_dim"),
}
_FAMILIES = {
    **dict.fromkeys(("MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d"), "pool"),
    **dict.fromkeys(("AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
                     "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d"), "adaptive"),
    **dict.fromkeys(("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"), "dropout"),
    **dict.fromkeys(("Softmax", "LogSoftmax", "Softmin"), "softmax"),
    "Flatten": "flatten",
}
_CONVOLUTIONS = ("Conv1d", "Conv2d", "Conv3d", "LazyConv1d", "LazyConv2d", "LazyConv3d")
_LINEAR = ("Linear", "LazyLinear")


@dataclass(frozen=True)
class LayerInfo:
    """One submodule: its path (`features.0`), torch class name or "custom", settings and the
    number of parameter entries it owns itself (not its children's)."""

    name: str
    kind: str
    config: dict[str, Any]
    parameters: int


@dataclass(frozen=True)
class ProbeFailure:
    """Running the module on a probe input raised; `summary` is its type and message (text the
    student's code may have chosen: feedback detail only). Built in the worker, rebuilt in the
    grader from the wire's "probe_failure" node."""

    summary: str


@dataclass(frozen=True)
class ModuleInfo:
    """A returned module as plain data: every submodule (root excluded) in `named_modules()`
    order, the total parameter entries, and one output (a tensor or a ProbeFailure) per probe."""

    layers: tuple[LayerInfo, ...]
    parameter_count: int
    outputs: tuple[Any, ...] = ()

    def of_kind(self, kind: str) -> tuple[LayerInfo, ...]:
        return tuple(layer for layer in self.layers if layer.kind == kind)


# ---------------------------------------------------------------------------- worker side
def probe(module: nn.Module, inputs: list[torch.Tensor]) -> list[Any]:
    """Run `module` on each input in eval mode without autograd; outputs, or failure summaries."""
    outputs: list[Any] = []
    try:
        nn.Module.eval(module)
    except Exception as error:
        return [ProbeFailure(_summary(error))] * len(inputs)
    for x in inputs:
        try:
            with torch.no_grad():
                outputs.append(module(x.clone()))
        except Exception as error:
            outputs.append(ProbeFailure(_summary(error)))
    return outputs


def _summary(error: BaseException) -> str:
    try:
        text = f"{type(error).__name__}: {error}"
    except Exception:
        text = type(error).__name__
    return text[:MAX_SUMMARY]


def encode_module(module: nn.Module, outputs: list[Any], walk: Callable[[Any], Any]) -> dict[str, Any]:
    """The wire's node for a returned module: its description and its probe outputs, walked."""
    try:
        description = describe(module)
    except Exception:  # a class that breaks torch's own traversal: describe nothing, do not crash
        return {"$t": "opaque", "type": "module that cannot be described"}
    return {"$t": "module", "description": walk(description), "outputs": [walk(item) for item in outputs]}


def describe(module: nn.Module) -> dict[str, Any]:
    """The plain description `read_module` reads (before the wire encodes its values)."""
    layers = []
    seen: set[int] = set()
    total = 0
    for name, sub in nn.Module.named_modules(module):
        own = dict(object.__getattribute__(sub, "_parameters"))
        for parameter in own.values():
            if isinstance(parameter, torch.Tensor) and id(parameter) not in seen:
                seen.add(id(parameter))
                total += _entries(parameter)
        if not name:
            continue
        if len(layers) >= MAX_LAYERS:
            break
        layers.append({"name": str(name)[:MAX_NAME], "kind": _kind(sub), "config": _config(sub, own),
                       "parameters": sum(_entries(p) for p in own.values() if isinstance(p, torch.Tensor))})
    return {"layers": layers, "parameter_count": total}


def _entries(parameter: torch.Tensor) -> int:
    if isinstance(parameter, nn.parameter.UninitializedParameter):
        return 0
    return int(math.prod(torch.Tensor.size(parameter)))


def _kind(sub: nn.Module) -> str:
    cls = type(sub)
    name = cls.__name__ if isinstance(cls.__name__, str) else ""
    return name if getattr(nn, name, None) is cls else "custom"


def _config(sub: nn.Module, own: dict[str, Any]) -> dict[str, Any]:
    kind = _kind(sub)
    weight = own.get("weight")
    initialized = isinstance(weight, torch.Tensor) and not isinstance(weight, nn.parameter.UninitializedParameter)
    shape = tuple(torch.Tensor.size(weight)) if initialized else None
    attributes = object.__getattribute__(sub, "__dict__")
    if kind in _CONVOLUTIONS:
        groups = attributes.get("groups", 1)
        config = {key: attributes.get(key) for key in ("stride", "padding", "dilation", "groups")}
        if shape is not None:
            config.update(out_channels=shape[0], in_channels=shape[1] * (groups if type(groups) is int else 1),
                          kernel_size=shape[2:])
        return config
    if kind in _LINEAR:
        return {"out_features": shape[0], "in_features": shape[1]} if shape is not None else {}
    if kind.startswith("BatchNorm"):
        return {"num_features": shape[0] if shape is not None else attributes.get("num_features")}
    family = _FAMILIES.get(kind)
    return {key: attributes.get(key) for key in _SETTINGS[family]} if family else {}


# ---------------------------------------------------------------------------- grader side
class BadDescription(ValueError):
    """The worker's module description is malformed."""


def read_module(node: Any, outputs: list[Any]) -> ModuleInfo:
    """Validate a description (already decoded from the wire into plain values) into a ModuleInfo."""
    if type(node) is not dict or type(node.get("layers")) is not list:
        raise BadDescription("a module description needs its layers")
    layers = []
    for item in node["layers"][:MAX_LAYERS]:
        if type(item) is not dict:
            raise BadDescription("a layer must be a record")
        name, kind, config, count = (item.get(key) for key in ("name", "kind", "config", "parameters"))
        if type(name) is not str or type(kind) is not str or type(count) is not int or count < 0:
            raise BadDescription("a layer needs a name, a kind and a parameter count")
        if kind != "custom" and not _torch_layer_name(kind):
            kind = "custom"  # only names of torch's own layers are ever shown
        if type(config) is not dict or not all(type(k) is str and _setting(v) for k, v in config.items()):
            raise BadDescription("a layer's settings must be numbers, strings or tuples of ints")
        layers.append(LayerInfo(name[:MAX_NAME], kind, dict(config), count))
    total = node.get("parameter_count")
    if type(total) is not int or total < 0:
        raise BadDescription("a module description needs its parameter count")
    return ModuleInfo(tuple(layers), total, tuple(outputs))


def _torch_layer_name(name: str) -> bool:
    layer = getattr(nn, name, None) if name.isidentifier() and not name.startswith("_") else None
    return isinstance(layer, type) and issubclass(layer, nn.Module)


def _setting(value: Any) -> bool:
    if value is None or type(value) in (bool, int, float):
        return True
    if type(value) is str:
        return len(value) <= 20
    return type(value) is tuple and len(value) <= 8 and all(type(v) is int for v in value)
