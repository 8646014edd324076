"""Plain data across the process boundary: JSON plus raw tensor bytes, never pickle.

The grader decodes what the worker sends as untrusted bytes: `decode` can only ever build
`None`, `bool`, `int`, `float`, `str`, `list`, `tuple`, `dict`, `torch.Tensor`, `numpy.ndarray`,
and the three inert records below. So an object with a lying `__eq__`, `__float__` or `__bool__`
cannot reach a comparison, and nothing the student wrote is ever run in the grader.
"""
from __future__ import annotations

import builtins
import fractions
import math
import re
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

from autograder.boundary.modules import BadDescription, ProbeFailure, encode_module, read_module

MAX_JSON_BYTES = 16 * 2**20
MAX_BUFFER_BYTES = 128 * 2**20  # a reply must fit beside two torch processes in Gradescope's memory
MAX_BUFFERS = 10_000
MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_STR = 1_000_000

_DTYPES: dict[str, torch.dtype] = {
    "float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32,
    "float64": torch.float64, "complex64": torch.complex64, "complex128": torch.complex128,
    "int8": torch.int8, "int16": torch.int16, "int32": torch.int32, "int64": torch.int64,
    "uint8": torch.uint8, "bool": torch.bool,
}
_TORCH_NAMES = {dtype: name for name, dtype in _DTYPES.items()}


class WireError(ValueError):
    """A message broke the format or a cap: the sender is faulty or hostile."""


@dataclass(frozen=True)
class ParamRef:
    """A returned parameter of a model argument, named as in `model.named_parameters()`."""

    name: str


@dataclass(frozen=True)
class Opaque:
    """A returned object of a type that does not cross the boundary; only its type name does."""

    type_name: str


@dataclass(frozen=True)
class SymbolicTree:
    """A returned sympy expression as a tree, still unvalidated (see `autograder.boundary.symbolic`)."""

    tree: Any


@dataclass
class EncodeContext:
    """What the worker knows while encoding a result: which objects are a model's parameters."""

    param_names: dict[int, str] = field(default_factory=dict)
    probe_outputs: dict[int, list[Any]] = field(default_factory=dict)  # id(returned module) -> outputs


# ----------------------------------------------------------------------------------- encoding
_SENT_AS_RECIPES: dict[type, Callable[[Any, Callable[[Any], Any]], dict]] = {}


def send_as_recipe(kind: type, to_tree: Callable[[Any, Callable[[Any], Any]], dict]) -> None:
    """Objects of exactly `kind` (the grader's model specs and recipes) cross as the tree
    `to_tree(obj, walk)` gives (tagged "model" or "recipe", which `decode` rebuilds only through
    the builders it is given). The module that defines the type registers it, so that the wire
    imports no grading content."""
    _SENT_AS_RECIPES[kind] = to_tree


def encode(value: Any, context: EncodeContext | None = None) -> tuple[Any, list[bytes]]:
    """(JSON-able tree, buffers) for a value; unknown objects become `Opaque`, never an error.

    Types are read with `type()`, which no object can fake (`isinstance` trusts `__class__`), and
    subclasses of the plain types (a namedtuple, an OrderedDict, `torch.Size`, an int with a lying
    `__eq__`) are read through the base type's own C methods, so no student method runs here.
    """
    buffers: list[bytes] = []
    context = context or EncodeContext()
    seen = [0]

    def walk(obj: Any, depth: int) -> Any:
        seen[0] += 1
        if depth > MAX_DEPTH or seen[0] > MAX_NODES:
            raise WireError("value is nested too deeply or has too many parts")
        kind = type(obj)
        if obj is None or kind in (bool, int, str):
            return obj
        if kind is float:
            return obj if math.isfinite(obj) else {"$t": "float", "v": repr(obj)}
        if issubclass(kind, torch.nn.Parameter) and id(obj) in context.param_names:
            return {"$t": "param", "name": context.param_names[id(obj)]}
        if issubclass(kind, torch.Tensor):
            return _encode_tensor(obj, buffers)
        if issubclass(kind, (np.ndarray, np.generic)):
            return _encode_ndarray(np.asarray(obj), buffers)
        if issubclass(kind, (int, float, str)):
            base = next(b for b in (int, float, str) if issubclass(kind, b))
            return walk({int: int.__int__, float: float.__float__, str: str.__str__}[base](obj), depth)
        if issubclass(kind, list):
            return [walk(item, depth + 1) for item in list.__iter__(obj)]
        if issubclass(kind, tuple):
            return {"$t": "tuple", "items": [walk(item, depth + 1) for item in tuple.__iter__(obj)]}
        if issubclass(kind, dict):
            items = []
            for key, item in dict.items(obj):
                if issubclass(type(key), (int, str)) and type(key) is not bool:
                    key = int.__int__(key) if issubclass(type(key), int) else str.__str__(key)
                else:
                    return {"$t": "opaque", "type": "dict with keys that are not str or int"}
                items.append([key, walk(item, depth + 1)])
            return {"$t": "dict", "items": items}
        if issubclass(kind, torch.nn.Module):
            return encode_module(obj, context.probe_outputs.get(id(obj), []), lambda item: walk(item, depth + 1))
        if kind is ProbeFailure:
            return {"$t": "probe_failure", "summary": obj.summary}
        if kind is fractions.Fraction:  # exact: a subclass could lie; arrives as a sympy Rational
            from autograder.boundary import symbolic

            try:
                return {"$t": "sympy", "tree": symbolic.to_tree(obj)}
            except symbolic.SymbolicRejected as error:
                return {"$t": "opaque", "type": f"sympy expression that cannot be graded: {error}"}
        sympy_tree = _encode_sympy(obj)
        if sympy_tree is not None:
            return sympy_tree
        as_recipe = _SENT_AS_RECIPES.get(kind)
        if as_recipe is not None:
            return as_recipe(obj, lambda item: walk(item, depth + 1))
        return {"$t": "opaque", "type": _describe_type(obj)}

    return walk(value, 0), buffers


def _describe_type(obj: Any) -> str:
    try:
        cls = type(obj)
        module, name = str(type.__getattribute__(cls, "__module__")), type.__getattribute__(cls, "__qualname__")
    except Exception:
        return "object of an unknown type"
    return f"{module}.{name}" if module not in ("builtins", "") else str(name)


def _encode_tensor(tensor: torch.Tensor, buffers: list[bytes]) -> Any:
    try:  # unbound base methods with __torch_function__ off: a subclass's overrides never run
        with torch._C.DisableTorchFunctionSubclass():
            plain = torch.Tensor.detach(tensor)
            if torch.Tensor.layout.__get__(plain) != torch.strided:
                plain = torch.Tensor.to_dense(plain)
            if type(plain) is not torch.Tensor:
                plain = torch.Tensor.as_subclass(plain, torch.Tensor)
        plain = plain.resolve_conj().resolve_neg().cpu().contiguous()
    except Exception:  # meta tensors, exotic layouts or subclasses: describe, do not crash
        return {"$t": "opaque", "type": "tensor that cannot be read as a plain dense tensor"}
    name = _TORCH_NAMES.get(plain.dtype)
    if name is None:
        return {"$t": "opaque", "type": f"tensor of unsupported dtype {plain.dtype}"}
    raw = plain.view(torch.int16) if plain.dtype == torch.bfloat16 else plain
    buffers.append(raw.numpy().tobytes())
    return {"$t": "tensor", "dtype": name, "shape": list(plain.shape), "buf": len(buffers) - 1}


def _encode_ndarray(array: np.ndarray, buffers: list[bytes]) -> Any:
    name = array.dtype.name
    if name not in _DTYPES or name == "bfloat16" or not array.dtype.isnative:
        return {"$t": "opaque", "type": f"numpy array of dtype {array.dtype}"}
    buffers.append(np.ascontiguousarray(array).tobytes())
    return {"$t": "ndarray", "dtype": name, "shape": list(array.shape), "buf": len(buffers) - 1}


def _encode_sympy(obj: Any) -> Any:
    """Sympy objects become a whitelisted tree (built by `autograder.boundary.symbolic.to_tree`)."""
    module = getattr(type(obj), "__module__", "") or ""
    if not module.startswith("sympy"):
        return None
    from autograder.boundary import symbolic

    try:
        return {"$t": "sympy", "tree": symbolic.to_tree(obj)}
    except symbolic.SymbolicRejected as error:
        return {"$t": "opaque", "type": f"sympy expression that cannot be graded: {error}"}


# ----------------------------------------------------------------------------------- decoding
def decode(tree: Any, buffers: list[bytes], *,
           build_model: Callable[[dict, dict | None], Any] | None = None,
           build_recipe: Callable[[dict], Any] | None = None,
           rebuild_sympy: Callable[[Any], Any] | None = None) -> Any:
    """Rebuild a value from an untrusted tree: only the plain types listed in the module doc.

    The worker passes `build_model`, `build_recipe` and `rebuild_sympy` to turn the grader's
    recipes and expressions into objects; the grader passes none of them, so a worker cannot make
    it build anything (a returned module arrives as its validated description, `ModuleInfo`).
    """
    count = [0]

    def walk(node: Any, depth: int) -> Any:
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_NODES:
            raise WireError("message nested too deeply or too large")
        if node is None or type(node) in (bool, int, float):
            return node
        if type(node) is str:
            return node
        if type(node) is list:
            return [walk(item, depth + 1) for item in node]
        if type(node) is not dict:
            raise WireError(f"unexpected JSON node {type(node).__name__}")
        tag = node.get("$t")
        if tag == "float":
            text = node.get("v")
            if text not in ("nan", "inf", "-inf"):
                raise WireError("bad float")
            return float(text)
        if tag == "tuple":
            return tuple(walk(item, depth + 1) for item in _list(node, "items"))
        if tag == "dict":
            out = {}
            for pair in _list(node, "items"):
                if type(pair) is not list or len(pair) != 2 or type(pair[0]) not in (str, int):
                    raise WireError("bad dict item")
                out[pair[0]] = walk(pair[1], depth + 1)
            return out
        if tag in ("tensor", "ndarray"):
            return _decode_array(node, buffers, as_tensor=tag == "tensor")
        if tag == "param":
            return ParamRef(_str(node, "name"))
        if tag == "opaque":
            return Opaque(_vetted_description(_str(node, "type")))
        if tag == "sympy":
            return rebuild_sympy(node.get("tree")) if rebuild_sympy else SymbolicTree(node.get("tree"))
        if tag == "model" and build_model is not None:
            recipe = node.get("recipe")
            state = walk(node["state"], depth + 1) if "state" in node else None
            if type(recipe) is not dict or not (state is None or type(state) is dict):
                raise WireError("bad model recipe")
            return build_model(recipe, state)
        if tag == "recipe" and build_recipe is not None:
            recipe = walk(node.get("recipe"), depth + 1)
            if type(recipe) is not dict:
                raise WireError("bad recipe")
            return build_recipe(recipe)
        if tag == "module" and build_model is None:  # the grader reading a returned module
            try:
                return read_module(walk(node.get("description"), depth + 1),
                                   [walk(item, depth + 1) for item in _list(node, "outputs")])
            except BadDescription as error:
                raise WireError(str(error)) from None
        if tag == "probe_failure" and build_model is None:
            return ProbeFailure(printable(_str(node, "summary"), 300))
        raise WireError(f"unknown tag {tag!r}")

    return walk(tree, 0)


_DESCRIPTIONS = re.compile(
    r"dict with keys that are not str or int|tensor that cannot be read as a plain dense tensor"
    r"|tensor of unsupported dtype torch\.\w{1,20}|numpy array of dtype [\w<>|]{1,20}"
    r"|module that cannot be described")
UNKNOWN_TYPE = "an object of a type defined in the submission"
_CORE_TYPE_NAMES = {value.__name__ for value in vars(types).values() if isinstance(value, type)}


def _vetted_description(text: str) -> str:
    """What the worker says about a value it could not send, reduced to words the grader chose.

    A type name is kept only if it names a type this process already has (`torch.nn.Linear`):
    any name the student made up (a class called after a hidden input) becomes UNKNOWN_TYPE, so
    text chosen by student code never reaches a check's message.
    """
    if _DESCRIPTIONS.fullmatch(text):
        return text
    if text.startswith("sympy expression that cannot be graded"):
        return "sympy expression that cannot be graded"
    parts = text.split(".")
    for split in range(len(parts) - 1, 0, -1):
        module = sys.modules.get(".".join(parts[:split]))
        if module is None:
            continue
        found: Any = module
        for name in parts[split:]:
            found = getattr(found, name, None) if name.isidentifier() else None
        if isinstance(found, type):
            return text
    builtin = getattr(builtins, text, None) if text.isidentifier() else None
    return text if isinstance(builtin, type) or text in _CORE_TYPE_NAMES else UNKNOWN_TYPE


def printable(text: str, limit: int) -> str:
    """`text` without control characters or escapes, at most `limit` characters: safe to show."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in str(text)[: limit + 1])
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


def _list(node: dict, key: str) -> list:
    value = node.get(key)
    if type(value) is not list:
        raise WireError(f"{key} must be a list")
    return value


def _str(node: dict, key: str) -> str:
    value = node.get(key)
    if type(value) is not str or len(value) > 2000:
        raise WireError(f"{key} must be a short string")
    return value


def _decode_array(node: dict, buffers: list[bytes], *, as_tensor: bool) -> Any:
    dtype_name = node.get("dtype")
    shape = node.get("shape")
    index = node.get("buf")
    if dtype_name not in _DTYPES or (not as_tensor and dtype_name == "bfloat16"):
        raise WireError(f"unsupported dtype {dtype_name!r}")
    if type(shape) is not list or len(shape) > 16 or not all(type(s) is int and s >= 0 for s in shape):
        raise WireError("bad shape")
    if type(index) is not int or not 0 <= index < len(buffers):
        raise WireError("bad buffer index")
    torch_dtype = _DTYPES[dtype_name]
    count = math.prod(shape)
    itemsize = torch.empty((), dtype=torch_dtype).element_size()
    raw = buffers[index]
    if len(raw) != count * itemsize:
        raise WireError("buffer size does not match shape and dtype")
    if dtype_name == "bfloat16":
        data = np.frombuffer(raw, dtype=np.int16).copy()
        return torch.from_numpy(data).view(torch.bfloat16).reshape(shape)
    array = np.frombuffer(raw, dtype=np.dtype(dtype_name)).copy().reshape(shape)
    return torch.from_numpy(array) if as_tensor else array
