"""Awkward things to find at a results path (a grader must replace each, touching nothing else)."""
from __future__ import annotations

import stat
from pathlib import Path

KINDS = ("nothing", "file", "read-only file", "symlink", "dangling symlink", "folder")
PRECIOUS = "precious"


def make_awkward(kind: str, path: Path) -> Path | None:
    """Put `kind` at `path`; returns a file (a symlink's target) that must survive untouched."""
    if kind == "file":
        path.write_text("old")
    elif kind == "read-only file":
        path.write_text("old")
        path.chmod(stat.S_IRUSR)
    elif kind == "symlink":
        target = path.parent / "elsewhere.json"
        target.write_text(PRECIOUS)
        path.symlink_to(target)
        return target
    elif kind == "dangling symlink":
        path.symlink_to(path.parent / "missing" / "x.json")
    elif kind == "folder":
        (path / "inner").mkdir(parents=True)
        (path / "inner" / "locked.txt").write_text("x")
        (path / "inner" / "locked.txt").chmod(stat.S_IRUSR)
        (path / "inner").chmod(stat.S_IRUSR | stat.S_IXUSR)
    return None
