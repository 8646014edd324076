"""Training objects as plain-data recipes: data loaders, optimizers, losses, named functions.

A check that calls a training step (a function given a model, a data loader, an optimizer and a
loss) or hands a student a function to apply (a data augmentation) cannot send the objects
themselves: they are code. It sends a `Recipe`, and the worker builds the object from the allow-lists below; the grader
builds the very same object with `build` to compute its own expected values. So a recipe can never
make either side run code that is not in this file or in torch, and no function of the grader's
process ever reaches the student's.

An optimizer is built over the parameters of one model argument of the same call (`model=0`: the
first positional argument; a string: that keyword), so the worker binds it after the call's models
are built (`bind_optimizers`), and the grader passes its own copy of the model to `build`.
"""
from __future__ import annotations

import copy
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from autograder.boundary import wire
from autograder.deeplearning.seeds import seed_torch

OPTIMIZERS = ("SGD", "Adam", "AdamW")
LOSSES = ("CrossEntropyLoss", "MSELoss", "BCELoss", "BCEWithLogitsLoss", "NLLLoss", "L1Loss")
MAX_BATCH_SIZE = 1 << 16


class RecipeError(ValueError):
    """A recipe names something outside the allow-lists, or is malformed."""


@dataclass(frozen=True)
class Recipe:
    """A JSON-able description of an object: `recipe["kind"]` says which builder reads the rest.
    Loader recipes hold tensors, which cross the process boundary as raw bytes."""

    recipe: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {key: value if isinstance(value, torch.Tensor) else copy.deepcopy(value)
                for key, value in self.recipe.items()}


wire.send_as_recipe(Recipe, lambda recipe, walk: {"$t": "recipe", "recipe": walk(recipe.as_dict())})


def loader(inputs: torch.Tensor, targets: torch.Tensor, batch_size: int, *,
           shuffle: bool = False) -> Recipe:
    """`DataLoader(TensorDataset(inputs, targets), batch_size=batch_size, shuffle=shuffle)`;
    with `shuffle=True` the order follows the torch seed the call runs under."""
    return Recipe({"kind": "loader", "inputs": inputs, "targets": targets,
                   "batch_size": batch_size, "shuffle": shuffle})


def optimizer(name: str, *, model: int | str = 0, **kwargs: Any) -> Recipe:
    """`torch.optim.<name>(model.parameters(), **kwargs)` for the call's model argument `model`."""
    return Recipe({"kind": "optimizer", "name": name, "model": model, "kwargs": kwargs})


def loss(name: str, **kwargs: Any) -> Recipe:
    """`torch.nn.<name>(**kwargs)`, one of LOSSES."""
    return Recipe({"kind": "loss", "name": name, "kwargs": kwargs})


def function(name: str, **kwargs: Any) -> Recipe:
    """A function of FUNCTIONS, with its settings: `function("flip_shift", dims=(-1,), shift=0.5)`."""
    return Recipe({"kind": "function", "name": name, "kwargs": kwargs})


# ------------------------------------------------------------------------------ functions
def _flip_shift(*, dims: Any = (-1,), scale: float = 1.0, shift: float = 0.0) -> Callable[[Any], Any]:
    dims = tuple(int(d) for d in (dims if isinstance(dims, (list, tuple)) else (dims,)))
    scale, shift = float(scale), float(shift)

    def flip_shift(item: torch.Tensor) -> torch.Tensor:
        """The item flipped along `dims`, times `scale`, plus `shift` (a new tensor)."""
        return torch.flip(torch.as_tensor(item), dims) * scale + shift

    return flip_shift


FUNCTIONS: dict[str, Callable[..., Callable[[Any], Any]]] = {"flip_shift": _flip_shift}


# ------------------------------------------------------------------------------ building
@dataclass(frozen=True)
class PendingOptimizer:
    """An optimizer recipe waiting for its model (see `bind_optimizers`)."""

    name: str
    model: int | str
    kwargs: dict[str, Any]

    def over(self, model: nn.Module) -> torch.optim.Optimizer:
        return getattr(torch.optim, self.name)(model.parameters(), **self.kwargs)


def build(spec: Recipe | Mapping[str, Any], *, model: nn.Module | None = None) -> Any:
    """The object a recipe describes. An optimizer needs `model` here; in the worker it is left
    pending and bound by `bind_optimizers` once the call's models exist."""
    recipe = spec.as_dict() if isinstance(spec, Recipe) else dict(spec)
    kind = recipe.get("kind")
    if kind == "loader":
        return _build_loader(recipe)
    if kind == "optimizer":
        pending = _pending_optimizer(recipe)
        return pending if model is None else pending.over(model)
    if kind == "loss":
        name = recipe.get("name")
        if name not in LOSSES:
            raise RecipeError(f"loss {name!r} is not on the allow-list")
        return getattr(nn, name)(**_plain_kwargs(recipe.get("kwargs", {})))
    if kind == "function":
        name = recipe.get("name")
        if name not in FUNCTIONS:
            raise RecipeError(f"function {name!r} is not on the allow-list")
        return FUNCTIONS[name](**_plain_kwargs(recipe.get("kwargs", {})))
    raise RecipeError(f"unknown recipe kind {kind!r}")


def _build_loader(recipe: dict[str, Any]) -> torch.utils.data.DataLoader:
    inputs, targets = recipe.get("inputs"), recipe.get("targets")
    batch_size, shuffle = recipe.get("batch_size"), recipe.get("shuffle", False)
    if not (type(inputs) is torch.Tensor and type(targets) is torch.Tensor and len(inputs) == len(targets)):
        raise RecipeError("a loader needs two tensors of the same length")
    if type(batch_size) is not int or not 0 < batch_size <= MAX_BATCH_SIZE or type(shuffle) is not bool:
        raise RecipeError("a loader needs a positive int batch_size and a bool shuffle")
    dataset = torch.utils.data.TensorDataset(inputs, targets)
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)


def _pending_optimizer(recipe: dict[str, Any]) -> PendingOptimizer:
    name, model = recipe.get("name"), recipe.get("model", 0)
    if name not in OPTIMIZERS:
        raise RecipeError(f"optimizer {name!r} is not on the allow-list")
    if type(model) not in (int, str):
        raise RecipeError("an optimizer's model is an argument position or keyword")
    return PendingOptimizer(name, model, _plain_kwargs(recipe.get("kwargs", {})))


def bind_optimizers(args: list[Any], kwargs: dict[str, Any]) -> None:
    """WORKER: replace each pending optimizer among a call's arguments by the optimizer over its
    model argument's parameters (after the models were built and moved to their device)."""
    def model_of(pending: PendingOptimizer) -> nn.Module:
        where = pending.model
        candidate = args[where] if type(where) is int and 0 <= where < len(args) else kwargs.get(where)
        if not isinstance(candidate, nn.Module):
            raise RecipeError(f"the optimizer's model argument {where!r} is not a model")
        return candidate

    for index, value in enumerate(args):
        if isinstance(value, PendingOptimizer):
            args[index] = value.over(model_of(value))
    for key, value in kwargs.items():
        if isinstance(value, PendingOptimizer):
            kwargs[key] = value.over(model_of(value))


def _plain_kwargs(kwargs: Any) -> dict[str, Any]:
    """Settings must be plain JSON-like values: a recipe may never smuggle in an object."""
    def plain(value: Any) -> bool:
        if value is None or type(value) in (bool, int, float, str):
            return True
        return type(value) in (list, tuple) and all(plain(item) for item in value)

    if type(kwargs) is not dict or not all(type(k) is str and plain(v) for k, v in kwargs.items()):
        raise RecipeError("a recipe's settings must be plain data")
    return dict(kwargs)


def seed_everything(seed: int) -> None:
    """The seeds the worker sets before every call (Python, NumPy, torch). A grader that repeats
    a student's call itself (a reference training epoch, say) sets the same ones first."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    seed_torch(seed)
