"""Expected values kept on disk, so that every grading does not compute them again.

Some expected values depend only on the checks' own inputs: a seeded model's calibrated weights,
the images an attack check selects for clear predictions. They cost seconds per grading (most of
HW2's problem 5 in the grader), the same seconds in every grading of every submission. A function
decorated with `@stored` is memoized in its process and, once a grader opened the store, in one
file per call in a folder that the set-up fills once (`setup.d/`), so that every later grading on
that machine (each Gradescope submission starts from the image `setup.sh` built) reads them back.

A file is named by a digest of the function, its arguments and a fingerprint of everything its
value can depend on: the source and settings of the engine, the checks and the reference, the
machine's architecture and the versions of Python, torch and numpy. Any edit or upgrade gives new
names, so a value is never stale; only functions of plain arguments whose value reads no data file
may be decorated. torch's thread count is left out on purpose: the checks already accept the last
bits in which computations on different numbers of cores differ (the grader computes on all of
them), and Gradescope builds its image (`setup.sh`) on another machine than it grades on. Values
are written and read in the wire format (JSON and raw tensor bytes, never pickle), so the store
can never hold code.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, TypeVar

import numpy as np
import torch

from autograder.boundary import framing, wire

STORE_ENV = "AUTOGRADER_EXPECTED_STORE"  # a folder, or "off"; default DEFAULT_FOLDER
ENGINE = Path(__file__).resolve().parent
DEFAULT_FOLDER = ENGINE.parent / ".cache" / "expected-values"  # beside the course's own copy
FINGERPRINTED = (ENGINE, ENGINE.parent / "tests", ENGINE.parent / "reference")
FINGERPRINTED_SUFFIXES = {".py", ".toml", ".json"}
FORMAT = "expected-store-1"
EXACT_TAGS = {"float", "tuple", "dict", "tensor", "ndarray"}  # wire tags of plain values
MEMORY_ENTRIES = 64  # per function, in this process

F = TypeVar("F", bound=Callable[..., Any])
_folder: Path | None = None


class NotStorable(TypeError):
    """An argument or a value that the store cannot name or keep exactly."""


def open_store(folder: Path | None = None) -> Path | None:
    """Use `folder` (default: $AUTOGRADER_EXPECTED_STORE, else DEFAULT_FOLDER) from now on in this
    process; None when the store is off or the folder is unsafe. Only graders open it: a worker,
    which runs student code, never does."""
    global _folder
    if folder is None:
        setting = os.environ.get(STORE_ENV, "").strip()
        if setting.lower() == "off":
            _folder = None
            return None
        folder = Path(setting) if setting else DEFAULT_FOLDER
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder, follow_symlinks=False)
    except OSError:
        _folder = None
        return None
    # Security: a folder that another user owns or may write could hold planted values, which a
    # grader would then take for its own. On Gradescope and in a regrade run as root, the folder
    # is root's and student code runs as the sandbox's users, who can neither read nor write it.
    # Without a user switch, student code runs as the grader's user and could write here, as it
    # could write the checks themselves: such a machine grades only its owner's own work.
    safe = stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o022
    _folder = folder if safe else None
    return _folder


def close_store() -> None:
    """Stop reading and writing the folder in this process (the in-memory copies stay)."""
    global _folder
    _folder = None


def stored(function: F) -> F:
    """Memoize `function` in this process and, when a store is open, on disk (see the module).

    Arguments: None, bools, ints, floats, strings, lists and tuples of them, tensors and arrays.
    Values: dicts, lists, tuples, numbers, strings, tensors and arrays (numpy scalars come back as
    0-d arrays). Every call returns the same object: callers must not change it.
    """
    name = f"{function.__module__}.{function.__qualname__}"
    source = Path(function.__code__.co_filename)
    memory: dict[str, Any] = {}

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        described = json.dumps([_describe(list(args)), _describe(sorted(kwargs.items()))])
        key = hashlib.sha256(f"{_fingerprint(source)}\n{name}\n{described}".encode()).hexdigest()
        if key in memory:
            return memory[key]
        path = _folder / f"{key}.bin" if _folder is not None else None
        found = _read(path) if path is not None else None
        if found is None:
            tree, buffers = _encode_exactly(function(*args, **kwargs), name)
            if path is not None:
                _write(path, tree, buffers)
            found = (wire.decode(tree, buffers),)  # as if read back: one behaviour, file or not
        if len(memory) >= MEMORY_ENTRIES:
            memory.pop(next(iter(memory)))
        memory[key] = found[0]
        return found[0]

    wrapper.cache_clear = memory.clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


# ------------------------------------------------------------------------------ names
def _describe(value: Any) -> Any:
    """A JSON form that names `value` exactly; NotStorable for anything else."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return [kind.__name__, value]
    if kind is float:
        return ["float", value.hex()]  # -0.0, nan and inf named exactly, never rounded
    if kind in (tuple, list):
        return [kind.__name__, [_describe(item) for item in value]]
    if kind in (torch.Tensor, torch.nn.Parameter):
        value = value.detach().cpu().contiguous()
        data = value.reshape(-1).view(torch.uint8).numpy().tobytes() if value.numel() else b""
        return ["tensor", str(value.dtype), list(value.shape), hashlib.sha256(data).hexdigest()]
    if kind is np.ndarray and not value.dtype.hasobject:
        data = np.ascontiguousarray(value).tobytes()
        return ["array", value.dtype.str, list(value.shape), hashlib.sha256(data).hexdigest()]
    raise NotStorable(f"a stored function takes plain arguments, not {kind.__name__}")


@functools.lru_cache(maxsize=None)
def _fingerprint(source: Path) -> str:
    """A digest of what a stored value can depend on, computed once per process."""
    digest = hashlib.sha256(FORMAT.encode())
    versions = [platform.machine(), platform.python_implementation(), sys.version,
                torch.__version__, np.__version__]
    digest.update("\n".join(versions).encode())
    files = {source.resolve()} if source.is_file() else set()
    for root in FINGERPRINTED:
        if root.is_dir():
            files.update(path for path in root.rglob("*") if path.suffix in FINGERPRINTED_SUFFIXES
                         and "__pycache__" not in path.parts and path.is_file())
    for path in sorted(files):
        digest.update(f"\n{path.as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# ------------------------------------------------------------------------------ files
def _encode_exactly(value: Any, name: str) -> tuple[Any, list[bytes]]:
    tree, buffers = wire.encode(value)
    if _has_opaque(tree):
        raise NotStorable(f"{name} returned a value the store cannot keep exactly "
                          "(plain data, tensors and arrays only)")
    return tree, buffers


def _has_opaque(tree: Any) -> bool:
    """Whether the encoded value holds anything but plain data, tensors and arrays."""
    if isinstance(tree, dict):
        return tree.get("$t") not in EXACT_TAGS or any(_has_opaque(v) for v in tree.values())
    if isinstance(tree, list):
        return any(_has_opaque(v) for v in tree)
    return False


def _read(path: Path) -> tuple[Any] | None:
    """(value,) from the file, or None when it is missing, foreign or unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            return None
        tree, buffers = framing.read_message(fd)
        if os.read(fd, 1):
            return None  # trailing bytes: not a file this module wrote
        return (wire.decode(tree, buffers),)
    except (OSError, wire.WireError, EOFError):
        return None  # a torn or corrupt file is computed again, and replaced
    finally:
        os.close(fd)


def _write(path: Path, tree: Any, buffers: list[bytes]) -> None:
    """Atomically: a parallel grading reads the old file or the new one, never half of one."""
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(framing.frame(tree, buffers))
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
