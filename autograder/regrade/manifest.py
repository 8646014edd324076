"""What is already graded: hashes of each submission and of the grader, kept in `manifest.json`.

A re-run skips a submission only when its results are in the output folder for the same
submission content (every file's name and bytes) and the same grader: the engine's files, the
assignment's settings, checks, support and reference files, the versions of the packages that
compute scores, the data the checks read, and the options that change scores. Anything else is
regraded; a failed or timed-out grading is always tried again. The manifest is rewritten
atomically after each finished grading, so a kill loses only the gradings still running.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from autograder.regrade.files import write_json_atomic

MANIFEST = "manifest.json"
RESULTS = "results.json"
FORMAT = 1
PACKAGES = ("torch", "torchvision", "numpy", "sympy", "mpmath", "pytest", "pytest-timeout",
            "jsonschema", "gradescope-utils")
_SKIPPED = {"__pycache__", ".pytest_cache"}
_HASHED_DATA_BYTES = 256 * 2**20  # larger data files count by size and time, not content


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def tree_hash(folder: Path, *, suffixes: tuple[str, ...] = (), skip: Iterable[str] = (),
              content_cap: int | None = None) -> str:
    """sha256 over every file's relative path and content below `folder` (links by their
    target, never followed); `suffixes` keeps only those files, `skip` drops top folders."""
    digest = hashlib.sha256()
    skipped = set(skip)
    if not folder.is_dir():
        return hashlib.sha256(b"absent").hexdigest()
    for current, children, files in os.walk(folder):
        relative = Path(current).relative_to(folder)
        children[:] = sorted(c for c in children if c not in _SKIPPED
                             and not (relative == Path(".") and c in skipped))
        for name in sorted(files):
            if suffixes and not name.endswith(suffixes):
                continue
            path = Path(current) / name
            entry = (relative / name).as_posix()
            if path.is_symlink():
                digest.update(f"link\0{entry}\0{os.readlink(path)}\0".encode())
                continue
            info = path.stat()
            if content_cap is not None and info.st_size > content_cap:
                digest.update(f"big\0{entry}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
                continue
            digest.update(f"file\0{entry}\0{info.st_size}\0{_hash_file(path)}\0".encode())
    return digest.hexdigest()


def submission_hash(folder: Path) -> str:
    return tree_hash(folder)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


@dataclass(frozen=True)
class GraderOptions:
    """The options of a run that change scores (and so belong to the grader's hash)."""

    assignment: str
    device: str
    data: str | None
    eval_limit: int | None
    only: tuple[str, ...] | None
    tests: str | None


def grader_fingerprint(root: Path, options: GraderOptions, data_dir: Path) -> dict[str, str]:
    """The parts of the grader's hash, by name, and their combination under "grader"."""
    name = options.assignment
    parts = {
        "engine": tree_hash(root / "autograder", suffixes=(".py", ".json", ".toml"),
                            skip=("regrade", "data")),
        "assignment": tree_hash(root / "tests" / name),
        "reference": tree_hash(root / "reference" / name),
        "checks": tree_hash(Path(options.tests)) if options.tests else "assignment",
        "data": tree_hash(data_dir, content_cap=_HASHED_DATA_BYTES),
        "packages": hashlib.sha256(json.dumps(
            [platform.python_version()] + [f"{p}=={_version(p)}" for p in PACKAGES]).encode()).hexdigest(),
        "options": hashlib.sha256(json.dumps(
            {**asdict(options), "tests": None, "data": None}, sort_keys=True).encode()).hexdigest(),
    }
    parts["grader"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return parts


@dataclass
class Record:
    """One finished grading, as the manifest keeps it."""

    submission: str  # hash of the submission's files
    grader: str      # hash of the grader
    status: str      # "ok", "grader failed: ...", "timed out"
    score: float
    results: str     # sha256 of the results.json written
    seconds: float
    finished_at: str
    worker: str = ""


class Manifest:
    """`DIR/manifest.json`: submission id -> the Record of its last grading."""

    def __init__(self, folder: Path, records: dict[str, Record], grader: dict[str, str]) -> None:
        self.folder, self.records, self.grader = folder, records, grader

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        path = folder / MANIFEST
        if not path.exists():
            return cls(folder, {}, {})
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            records = {key: Record(**value) for key, value in document["submissions"].items()}
            return cls(folder, records, dict(document.get("grader", {})))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path} is not a manifest of this command ({error}); "
                             "move it away or pick another --out") from None

    def results_path(self, identifier: str) -> Path:
        return self.folder / identifier / RESULTS

    def current(self, identifier: str, submission: str, grader: str) -> Record | None:
        """The record if `identifier` was graded successfully from the same files by the same
        grader, and its results.json is still the one written then."""
        record = self.records.get(identifier)
        if record is None or record.status != "ok" or record.submission != submission \
                or record.grader != grader:
            return None
        path = self.results_path(identifier)
        try:
            return record if _hash_file(path) == record.results else None
        except OSError:
            return None

    def record(self, identifier: str, record: Record, grader: dict[str, str]) -> None:
        self.records[identifier] = record
        self.grader = grader
        self.save()

    def save(self) -> None:
        write_json_atomic(self.folder / MANIFEST, {
            "format": FORMAT, "grader": self.grader,
            "submissions": {key: asdict(value) for key, value in sorted(self.records.items())}})


def results_hash(path: Path) -> str:
    return _hash_file(path)


def fingerprint_request(options: GraderOptions, data_dir: Path) -> dict[str, Any]:
    """What a Ray node needs to compute the grader's hash itself (plain data)."""
    return {"options": asdict(options), "data_dir": str(data_dir)}


def node_grader_hash(request: dict[str, Any]) -> str:
    """The grader's hash on this machine, for `fingerprint_request`'s data."""
    from autograder.course import COURSE_ROOT

    plain = dict(request["options"])
    plain["only"] = tuple(plain["only"]) if plain.get("only") is not None else None
    return grader_fingerprint(COURSE_ROOT, GraderOptions(**plain), Path(request["data_dir"]))["grader"]
