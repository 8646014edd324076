"""Writing the outputs so that a crash or a kill never leaves half a file, and private folders.

Every output of a regrade (results.json, the manifest, the CSV, the report) is written to a
temporary file beside its target and renamed over it: a reader sees the old file or the whole new
one. Folders that hold submissions or results are private to the instructor when the grader runs
as root, since the workers that run student code run as other users on the same machine.
"""
from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from autograder.atomic import write_bytes_atomic
from autograder.boundary.sandbox.workspace import passable_tmp as sandbox_tmp


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: Path, document: Any) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False, sort_keys=False)
    write_text_atomic(path, text + "\n")


def append_line(path: Path, line: str) -> None:
    """Append one line and fsync: the log of finished gradings survives a kill."""
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(line.rstrip("\n") + "\n")
        stream.flush()
        os.fsync(stream.fileno())


def make_private(folder: Path) -> None:
    """Create `folder` (and parents) and, as root, take away every access of other users."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        mode = stat.S_IMODE(folder.stat().st_mode)
        if mode & 0o007:
            os.chmod(folder, mode & 0o770)


def readable_by_others(path: Path) -> bool:
    """Whether users other than the owner and its group could read `path`'s contents: every
    folder above it lets others pass, and it lets others in (a folder) or read (a file). As root,
    the code of each submission runs as such a user: it must never reach the other submissions."""
    current = path.resolve()
    try:
        if not all(folder.stat().st_mode & 0o001 for folder in current.parents):
            return False
        return bool(current.stat().st_mode & (0o001 if current.is_dir() else 0o004))
    except OSError:
        return False


def passable_folder(parent: Path, prefix: str) -> Path:
    """A fresh folder that other users may pass through but never list (0o711): the sandbox
    needs to reach its own folders inside, and no worker can find another grader's."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(folder, 0o711)
    return folder


def passable_tmp() -> Path:
    """The temporary folder the sandbox's workers can pass through (the sandbox's own choice)."""
    return Path(sandbox_tmp())
