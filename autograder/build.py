"""`python -m autograder build`: the Gradescope autograder zip and the student handout zip.

`dist/autograder.zip` holds what Gradescope needs to build its image and grade: `setup.sh` and
`run_autograder` at the root, the engine, every graded check, the reference (the hidden checks'
oracle), `setup.d/` and `scripts/`, and (when present) the CIFAR-10 test batch under `data/`.
Never a virtual environment, caches, self-tests, git history or anything generated.

`dist/student-handout.zip` holds one folder with the template to fill in, the engine, the public
checks, a `pytest.ini` so that plain `pytest` works there, and the students' README. It never holds
the reference or a hidden check: the build refuses a handout entry under `reference/` or
`tests/hidden/`, and a public check that asks for the `oracle` fixture (it would need the reference).

Both zips are reproducible: entries are sorted and dated 1980-01-01, so the same tree gives the
same bytes.
"""
from __future__ import annotations

import argparse
import ast
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

from autograder.assignment import AssignmentError, load_assignment

REPO_ROOT = Path(__file__).resolve().parent.parent
AUTOGRADER_ZIP = "autograder.zip"
HANDOUT_ZIP = "student-handout.zip"
HANDOUT_FOLDER = "ese546-hw2"
"""The one top-level folder of the handout zip, where students work and run `check`."""

CIFAR_DATA_FILES = ("data/cifar-10-batches-py/test_batch", "data/cifar-10-batches-py/batches.meta")
"""Bundled when present, so Gradescope grades 5.a without downloading anything (about 30 MB)."""

_SKIPPED_NAMES = {"__pycache__", ".venv", "venv", ".git", ".pytest_cache", ".ipynb_checkpoints"}
_SKIPPED_SUFFIXES = (".pyc", ".pyo", ".pt", ".pth", ".ckpt", ".orig", ".rej", ".swp")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

HANDOUT_PYTEST_INI = """\
# Plain `pytest` in this folder runs the public checks on the problemN.py files beside this file
# (or on the folder named by --submission) and prints the per-part score table at the end.
[pytest]
testpaths = tests/public
pythonpath = .
addopts = --import-mode=importlib -p no:cacheprovider
"""


class BuildError(RuntimeError):
    """The tree cannot be shipped as it is; the message says what to fix."""


@dataclass(frozen=True)
class Entry:
    """One file of a zip: its name inside the zip, and its bytes (read from `source` or given)."""

    name: str
    source: Path | None = None
    content: bytes | None = None
    executable: bool = False

    def data(self) -> bytes:
        return self.content if self.content is not None else self.source.read_bytes()


@dataclass(frozen=True)
class BuildReport:
    autograder_zip: Path
    handout_zip: Path
    autograder_entries: tuple[str, ...]
    handout_entries: tuple[str, ...]
    data_bundled: bool

    def summary(self) -> str:
        lines = []
        for path, names in ((self.autograder_zip, self.autograder_entries),
                            (self.handout_zip, self.handout_entries)):
            lines.append(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(names)} files)")
        lines.append("CIFAR-10 test set: " + (
            "bundled from data/cifar-10-batches-py" if self.data_bundled else
            "not bundled (no data/cifar-10-batches-py/test_batch here): setup.sh downloads it "
            "on Gradescope (setup.d/20-cifar-test-set.sh; 5.a scores 0 with a note if that "
            "fails); see docs/instructors.md"))
        return "\n".join(lines)


# ------------------------------------------------------------------------------ what goes where

def _files_under(root: Path, folder: str, patterns: Iterable[str] = ("*",)) -> list[Path]:
    """Regular files under `root/folder` matching one of `patterns`, without caches, hidden
    names, virtual environments, checkpoints or links."""
    base = root / folder
    if not base.is_dir():
        return []
    found: set[Path] = set()
    for pattern in patterns:
        for path in base.rglob(pattern):
            relative = path.relative_to(root)
            if any(part in _SKIPPED_NAMES or part.startswith(".") for part in relative.parts):
                continue
            if path.is_symlink() or not path.is_file() or path.name.endswith(_SKIPPED_SUFFIXES):
                continue
            found.add(path)
    return sorted(found)


def _entry(root: Path, path: Path, prefix: str = "") -> Entry:
    name = str(PurePosixPath(prefix, *path.relative_to(root).parts))
    executable = path.suffix == ".sh" or path.name == "run_autograder"
    return Entry(name, source=path, executable=executable)


def _required(root: Path, name: str) -> Path:
    path = root / name
    if not path.is_file():
        raise BuildError(f"{path} is missing: it must ship")
    return path


def engine_files(root: Path) -> list[Path]:
    """The `autograder` package: its sources, settings and schema."""
    files = _files_under(root, "autograder")
    if not any(path.name == "assignment.toml" for path in files):
        raise BuildError(f"{root / 'autograder'} has no assignment.toml")
    return files


def autograder_entries(root: Path = REPO_ROOT, *, include_data: bool = True) -> list[Entry]:
    """Everything `setup.sh` and `run_autograder` need on Gradescope, and nothing else."""
    files = [_required(root, "setup.sh"), _required(root, "run_autograder"),
             _required(root, "requirements.txt")]
    files += [path for path in sorted(root.glob("requirements*.txt"))
              if path.name not in ("requirements.txt", "requirements-dev.txt")]
    files += engine_files(root)
    files += _files_under(root, "tests", ("*.py",))
    files += _files_under(root, "reference", ("problem*.py",))
    files += _files_under(root, "setup.d")
    files += _files_under(root, "scripts", ("*.py", "*.sh"))
    if include_data:
        files += [root / name for name in CIFAR_DATA_FILES if (root / name).is_file()]
    if not any(path.parent.name == "hidden" for path in files):
        raise BuildError(f"{root / 'tests' / 'hidden'} holds no checks")
    return [_entry(root, path) for path in files]


def handout_entries(root: Path = REPO_ROOT) -> list[Entry]:
    """The template, the engine, the public checks, pytest.ini and the students' README."""
    prefix = HANDOUT_FOLDER
    template = _files_under(root, "student_template", ("*.py",))
    if not template:
        raise BuildError(f"{root / 'student_template'} holds no problemN.py")
    public = _files_under(root, "tests/public", ("*.py",))
    _refuse_oracle_in_public_checks(public)
    entries = [Entry(f"{prefix}/{path.relative_to(root / 'student_template').as_posix()}",
                     source=path) for path in template]
    entries += [_entry(root, path, prefix) for path in engine_files(root)]
    _required(root, "tests/conftest.py")
    top_level_tests = sorted(path for path in (root / "tests").glob("*.py") if path.is_file())
    entries += [_entry(root, path, prefix) for path in [*top_level_tests, *public]]
    entries += [Entry(f"{prefix}/README.md", source=_required(root, "docs/students.md")),
                Entry(f"{prefix}/requirements.txt", source=_required(root, "requirements.txt")),
                Entry(f"{prefix}/pytest.ini", content=HANDOUT_PYTEST_INI.encode("utf-8"))]
    for entry in entries:
        inner = PurePosixPath(entry.name).parts[1:]
        if inner[:1] == ("reference",) or inner[:2] == ("tests", "hidden"):
            raise BuildError(f"refusing to put {entry.name} in the student handout")
    return entries


def _refuse_oracle_in_public_checks(public: list[Path]) -> None:
    """A public check that uses the reference would fail in the handout, and show students
    values computed by the reference: the build stops instead."""
    for path in public:
        tree = ast.parse(path.read_bytes(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    argument.arg == "oracle" for argument in node.args.args):
                raise BuildError(f"{path}:{node.lineno}: public check {node.name} uses the "
                                 "`oracle` fixture (the reference); only hidden checks may")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) \
                    else [node.module or ""]
                if any(module == "reference" or module.startswith(("reference.", "tests.hidden"))
                       for module in modules):
                    raise BuildError(f"{path}:{node.lineno}: a public check imports "
                                     f"{', '.join(modules)}, which the handout does not hold")


# ------------------------------------------------------------------------------ writing

def write_zip(path: Path, entries: list[Entry]) -> tuple[str, ...]:
    """Write `entries` sorted by name, with fixed dates and modes; returns the names written."""
    names = [entry.name for entry in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise BuildError(f"two files would be stored as {', '.join(duplicates)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for entry in sorted(entries, key=lambda item: item.name):
            info = zipfile.ZipInfo(entry.name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that unzip restores the modes below
            info.external_attr = (0o100755 if entry.executable else 0o100644) << 16
            archive.writestr(info, entry.data())
    temporary.replace(path)
    return tuple(sorted(names))


def build(root: Path = REPO_ROOT, out: Path | None = None, *, include_data: bool = True) -> BuildReport:
    """Check the settings, then write both zips to `out` (default: `root/dist`)."""
    try:
        load_assignment(root / "autograder" / "assignment.toml")
    except AssignmentError as error:
        raise BuildError(f"the settings are invalid, nothing was built: {error}") from None
    out = Path(out) if out is not None else root / "dist"
    grader = autograder_entries(root, include_data=include_data)
    handout = handout_entries(root)
    grader_names = write_zip(out / AUTOGRADER_ZIP, grader)
    handout_names = write_zip(out / HANDOUT_ZIP, handout)
    bundled = all(name in grader_names for name in CIFAR_DATA_FILES[:1])
    return BuildReport(out / AUTOGRADER_ZIP, out / HANDOUT_ZIP, grader_names, handout_names, bundled)


# ------------------------------------------------------------------------------ command line
HELP = "instructors: write dist/autograder.zip (Gradescope) and dist/student-handout.zip"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where to write the zips (default: dist/ in the repository)")
    parser.add_argument("--without-data", action="store_true",
                        help="leave data/cifar-10-batches-py out of autograder.zip even if present")


def run_command(args: argparse.Namespace) -> int:
    try:
        report = build(out=args.out, include_data=not args.without_data)
    except (BuildError, OSError, SyntaxError) as error:
        print(f"autograder build: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0
