"""Read a student's checkpoint without running any of its code, then load it into the grader's model.

Two halves, for two processes:

* `read_checkpoint(path, max_bytes=...)` runs in the unprivileged worker. It parses the file with
  `torch.load(weights_only=True)` (an allow-list unpickler; never a fallback) or, for a
  safetensors file, with a small parser of that format, finds the state dict in any layout the
  contract accepts, and returns plain data only: tensors, lists of floats, strings.
* `load_state_into(model, data)` runs in the grader. It re-checks that plain data, compares it with
  a model the grader built itself, of any architecture (missing and unexpected keys, shapes,
  NaN/inf), and returns that model with the checkpoint's tensors, in eval mode.
  `load_into_allcnn(data)` does so for the course's All-CNN and wraps it with the checkpoint's
  input normalization when it has one.

Both halves take the words their messages use for the model (`size_hint` and `how_to_save` for
the reader, `what` and `nested_hint` for the loader); the reader's defaults are the All-CNN's.

Each way a checkpoint can be unusable has its own exception class, whose message is written for
the student who must fix it.
"""
from __future__ import annotations

import json
import math
import pickle
import re
import struct
from pathlib import Path
from typing import Any, Callable, Mapping

import torch
from torch import nn

from autograder.deeplearning.allcnn import AllCNN, with_normalization
from autograder.errors import FileRejected
from autograder.tasks import worker_task

STATE_DICT_KEYS = ("state_dict", "model_state_dict", "model")
WRAPPER_PREFIXES = {"module.": "DataParallel/DistributedDataParallel", "_orig_mod.": "torch.compile"}
RESAVE_HOWTO = ("Save only the weights: `torch.save(model.state_dict(), path)`, or with the "
                "template's helper, `save_checkpoint(model, path, mean, std)` (give mean and std "
                "only if the model was trained on normalized images).")
ALLCNN_SIZE_HINT = "an All-CNN checkpoint is about 6.7 MB"
ALLCNN_WHAT = "the course's All-CNN (c1=96, c2=192, keys like 'm.1.0.weight')"
ALLCNN_NESTED_HINT = ("The keys look nested inside another module: save the All-CNN itself, "
                      "e.g. `save_checkpoint(net, ...)` for the network `net` inside your wrapper.")
NESTED_HINT = ("The keys look nested inside another module: save the model itself, not the "
               "wrapper around it.")
_SAFETENSORS_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}


class CheckpointError(FileRejected):
    """The checkpoint cannot be used; the message says why and what to do."""


class CheckpointNotFound(CheckpointError):
    """There is no file to read."""


class CheckpointTooLarge(CheckpointError):
    """The file is far larger than the model's checkpoint could be (over `max_bytes`)."""


class NotACheckpoint(CheckpointError):
    """The file is not a PyTorch or safetensors file, or holds no state dict."""


class PickleNeedsCode(CheckpointError):
    """The pickle names classes or functions: loading it would run code, so it is refused."""


class BadNormalization(CheckpointError):
    """`mean`/`std` are present but are not 3 finite numbers each (std positive)."""


class ArchitectureMismatch(CheckpointError):
    """The state dict does not fit the grader's model (keys or shapes differ)."""


class NonFiniteWeights(CheckpointError):
    """Some weight or statistic is NaN or infinite."""


# ------------------------------------------------------------------ worker side: parse the file

@worker_task
def read_checkpoint(path: Path, *, max_bytes: int, size_hint: str = ALLCNN_SIZE_HINT,
                    how_to_save: str = RESAVE_HOWTO) -> dict[str, Any]:
    """Parse `path` safely and return `{"state_dict", "mean", "std", "notes"}` as plain data.

    Any model's state dict is found the same way. The messages say how large the file should be
    (`size_hint`, e.g. "a checkpoint of this model is about 10 kB") and how to save the weights
    alone (`how_to_save`, naming the assignment's own helper if it has one).
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointNotFound(f"{path.name} was not found in the submission")
    size = path.stat().st_size
    if size > max_bytes:
        raise CheckpointTooLarge(
            f"{path.name} is {size / 1e6:.1f} MB; {size_hint} (the "
            f"limit is {max_bytes / 1e6:.0f} MB). Save only the model's weights, not the "
            f"optimizer or training history. {how_to_save}")
    with open(path, "rb") as handle:
        head = handle.read(16)
    if not head:
        raise NotACheckpoint(f"{path.name} is empty")
    notes: list[str] = []
    if _looks_like_safetensors(head, size):
        content: Any = _read_safetensors(path)
        notes.append("read as a safetensors file")
    else:
        content = _torch_load(path, head, how_to_save)
    state, mean, std = _find_state_dict(content, notes, how_to_save)
    state = _strip_wrapper_prefixes(state, notes)
    return {"state_dict": state, "mean": _three_numbers(mean, "mean"),
            "std": _three_numbers(std, "std"), "notes": notes}


def _torch_load(path: Path, head: bytes, how_to_save: str) -> Any:
    if not (head.startswith(b"PK\x03\x04") or head[:1] == b"\x80"):
        raise NotACheckpoint(
            f"{path.name} is not a file written by torch.save (nor safetensors). {how_to_save}")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        names = re.findall(r"Unsupported global: GLOBAL ([\w.]+)", str(error))
        if names or "Weights only load failed" in str(error):
            what = f" (it refers to `{names[0]}`)" if names else ""
            raise PickleNeedsCode(
                f"{path.name} cannot be read without running code{what}: it was probably saved "
                f"with `torch.save(model)`, which pickles the whole model object. The grader "
                f"never runs code from a checkpoint. {how_to_save}") from None
        raise NotACheckpoint(f"{path.name} is not a readable PyTorch checkpoint ({error})") from None
    except Exception as error:  # truncated zip, wrong format, ...
        raise NotACheckpoint(f"{path.name} is not a readable PyTorch checkpoint "
                             f"({type(error).__name__}: {str(error)[:200]})") from None


def _looks_like_safetensors(head: bytes, size: int) -> bool:
    if len(head) < 9:
        return False
    (header_length,) = struct.unpack("<Q", head[:8])
    return 0 < header_length <= size - 8 and head[8:9] == b"{"


def _read_safetensors(path: Path) -> dict[str, Any]:
    """Parse the safetensors format (8-byte length, JSON header, raw little-endian data)."""
    raw = path.read_bytes()
    (header_length,) = struct.unpack("<Q", raw[:8])
    try:
        header = json.loads(raw[8:8 + header_length])
    except ValueError:
        raise NotACheckpoint(f"{path.name}: its safetensors header is not valid JSON") from None
    if not isinstance(header, dict):
        raise NotACheckpoint(f"{path.name}: its safetensors header is not a JSON object")
    data = memoryview(raw)[8 + header_length:]
    content: dict[str, Any] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            for key in ("mean", "std"):
                if isinstance(entry, dict) and isinstance(entry.get(key), str):
                    try:
                        content[key] = json.loads(entry[key])
                    except ValueError:
                        raise BadNormalization(f"{key} in the safetensors metadata is not a "
                                               "JSON list of numbers") from None
            continue
        try:
            dtype = _SAFETENSORS_DTYPES[entry["dtype"]]
            shape = [int(n) for n in entry["shape"]]
            begin, end = (int(n) for n in entry["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise NotACheckpoint(f"{path.name}: safetensors entry {name!r} is malformed") from None
        count = math.prod(shape)
        if not 0 <= begin <= end <= len(data) or end - begin != count * dtype.itemsize:
            raise NotACheckpoint(f"{path.name}: safetensors entry {name!r} has bad offsets")
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if count else \
            torch.empty(0, dtype=dtype)
        content[name] = flat.reshape(shape)
    return content


def _find_state_dict(content: Any, notes: list[str],
                     how_to_save: str) -> tuple[dict[str, torch.Tensor], Any, Any]:
    """The state dict and top-level mean/std, from any accepted layout."""
    if not isinstance(content, Mapping):
        raise NotACheckpoint(f"the checkpoint holds a {type(content).__name__}, not a dict of "
                             f"tensors. {how_to_save}")
    mean, std = content.get("mean"), content.get("std")
    for key in STATE_DICT_KEYS:
        inner = content.get(key)
        if isinstance(inner, Mapping) and any(isinstance(v, torch.Tensor) for v in inner.values()):
            notes.append(f"state dict read from the checkpoint's '{key}' entry")
            if mean is None and std is None:  # {"model": {"state_dict": ..., "mean": ...}}
                mean, std = inner.get("mean"), inner.get("std")
            return _tensors_only(inner, key), mean, std
    for key in STATE_DICT_KEYS:  # there, but without tensors: say what is wrong with it
        if isinstance(content.get(key), Mapping) and content[key]:
            return _tensors_only(content[key], key), mean, std
    remaining = {k: v for k, v in content.items() if k not in ("mean", "std")}
    tensors = {k: v for k, v in remaining.items() if isinstance(v, torch.Tensor)}
    if not tensors:
        keys = ", ".join(repr(k) for k in list(content)[:8])
        raise NotACheckpoint(f"no state dict found in the checkpoint (top-level keys: {keys}); "
                             f"put it under 'state_dict' or save it bare. {how_to_save}")
    ignored = sorted(str(k) for k in remaining if k not in tensors)
    if ignored:
        notes.append("ignored non-tensor entries: " + ", ".join(ignored[:8]))
    return _tensors_only(tensors, None), mean, std


def _tensors_only(state: Mapping[Any, Any], where: str | None) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}
    for name, value in state.items():
        label = f"'{where}'[{name!r}]" if where else repr(name)
        if not isinstance(name, str):
            raise NotACheckpoint(f"state dict key {label} is not a string")
        if not isinstance(value, torch.Tensor):
            if name in ("mean", "std"):
                continue
            raise NotACheckpoint(f"state dict entry {label} is a {type(value).__name__}, "
                                 "not a tensor")
        if value.layout != torch.strided or value.is_quantized:
            raise NotACheckpoint(f"state dict entry {label} is not a plain dense tensor")
        out[name] = value.detach().to("cpu").as_subclass(torch.Tensor).clone().contiguous()
    return out


def _strip_wrapper_prefixes(state: dict[str, torch.Tensor], notes: list[str]) -> dict[str, torch.Tensor]:
    """Remove `module.` / `_orig_mod.` (in any order, any number of times) from every key."""
    changed = True
    while changed:
        changed = False
        for prefix, source in WRAPPER_PREFIXES.items():
            if state and all(name.startswith(prefix) for name in state):
                state = {name[len(prefix):]: value for name, value in state.items()}
                notes.append(f"removed the '{prefix}' key prefix ({source})")
                changed = True
    return state


def _three_numbers(value: Any, what: str) -> list[float] | None:
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        value = value.detach().to("cpu", torch.float64).reshape(-1).tolist()
    if not isinstance(value, (list, tuple)) or len(value) != 3 or \
            not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        got = f"{len(value)} entries" if isinstance(value, (list, tuple)) else type(value).__name__
        raise BadNormalization(f"'{what}' must be 3 numbers (one per RGB channel), got {got}")
    numbers = [float(v) for v in value]
    if not all(math.isfinite(v) for v in numbers) or (what == "std" and min(numbers) <= 0):
        raise BadNormalization(f"'{what}' must be finite" + (" and positive" if what == "std" else ""))
    return numbers


# ------------------------------------------------------------------ grader side: validate and load

def load_into_allcnn(data: Mapping[str, Any]) -> nn.Module:
    """The grader's All-CNN with the checkpoint's tensors, float32, eval mode, normalizing inside."""
    state = _state_of(data)
    mean, std = _three_numbers(data.get("mean"), "mean"), _three_numbers(data.get("std"), "std")
    if (mean is None) != (std is None):
        raise BadNormalization("the checkpoint gives only one of 'mean' and 'std': give both or neither")
    model = _load_checked(AllCNN(), state, what=ALLCNN_WHAT, nested_hint=ALLCNN_NESTED_HINT,
                          looks_nested=lambda unexpected: all(".m." in k for k in unexpected))
    return with_normalization(model, mean, std).eval()


def load_state_into(model: nn.Module, data: Mapping[str, Any], *, what: str = "the grader's model",
                    nested_hint: str = NESTED_HINT) -> nn.Module:
    """`model` (built by the grader, any architecture) with the checkpoint's tensors, in eval mode.

    `data` is what `read_checkpoint` returned. The state dict's keys and shapes must be exactly
    those of `model.state_dict()` (`ArchitectureMismatch` names what differs and describes the
    model as `what`, e.g. "the two-layer network (2 -> 16 -> 3)"), and every floating-point
    tensor must be finite (`NonFiniteWeights`); values are cast to the model's own dtypes.
    `nested_hint` is added when every unexpected key is a missing one with a prefix (the model
    was saved inside a wrapper). The checkpoint's `mean` and `std`, if any, stay in `data` for
    the assignment to use.
    """
    return _load_checked(model, _state_of(data), what=what, nested_hint=nested_hint,
                         looks_nested=None)


def _state_of(data: Any) -> dict[str, torch.Tensor]:
    """The state dict of `read_checkpoint`'s plain data, checked again here."""
    if not isinstance(data, Mapping) or not isinstance(data.get("state_dict"), Mapping):
        raise NotACheckpoint("the checkpoint reader returned no state dict")
    state = dict(data["state_dict"])
    if not all(isinstance(k, str) and type(v) is torch.Tensor for k, v in state.items()):
        raise NotACheckpoint("the state dict must map names to tensors")
    return state


def _load_checked(model: nn.Module, state: dict[str, torch.Tensor], *, what: str, nested_hint: str,
                  looks_nested: Callable[[list[str]], bool] | None) -> nn.Module:
    expected = model.state_dict()
    check_architecture(state, expected, what=what, nested_hint=nested_hint,
                       looks_nested=looks_nested)
    bad = [name for name, value in state.items()
           if value.is_floating_point() and not bool(torch.isfinite(value).all())]
    if bad:
        raise NonFiniteWeights(f"{len(bad)} tensor(s) hold NaN or infinite values, e.g. "
                               f"{', '.join(bad[:5])}: training diverged (try a lower learning "
                               "rate) or the checkpoint was saved after a failed step")
    model.load_state_dict({name: value.to(expected[name].dtype) for name, value in state.items()})
    return model.eval()


def check_architecture(state: Mapping[str, torch.Tensor], expected: Mapping[str, torch.Tensor], *,
                       what: str = ALLCNN_WHAT, nested_hint: str = ALLCNN_NESTED_HINT,
                       looks_nested: Callable[[list[str]], bool] | None = None) -> None:
    """Missing and unexpected keys, and differing shapes, named in one message.

    `nested_hint` is added when there are both missing and unexpected keys and
    `looks_nested(unexpected keys)` holds; by default, when each ends with '.' and a missing key.
    """
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    shapes = [f"{k}: {tuple(state[k].shape)} instead of {tuple(expected[k].shape)}"
              for k in expected if k in state and state[k].shape != expected[k].shape]
    if not (missing or unexpected or shapes):
        return
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing key(s), e.g. {', '.join(missing[:5])}")
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected key(s), e.g. {', '.join(unexpected[:5])}")
    if shapes:
        parts.append(f"{len(shapes)} shape(s) differ: {'; '.join(shapes[:5])}")
    if looks_nested is None:
        def looks_nested(keys: list[str]) -> bool:
            return all(any(key.endswith("." + name) for name in missing) for key in keys)
    hint = f" {nested_hint}" if missing and unexpected and looks_nested(unexpected) else ""
    raise ArchitectureMismatch(f"the checkpoint does not fit {what}: " + "; ".join(parts) + "." + hint)
