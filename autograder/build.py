"""`python -m autograder build`: one assignment's Gradescope zip and its student handout zip.

`dist/NAME/autograder.zip` holds what Gradescope needs to build its image and grade: `setup.sh` and
`run_autograder` at the root, the engine, the assignment's checks, settings and support code, its
reference (the hidden checks' oracle), `setup.d/` and `scripts/`, and (when present) the data files
its settings bundle. It holds exactly one assignment, listed as the default, so nothing on
Gradescope needs `--assignment`. Never a virtual environment, caches, self-tests, git history,
another assignment or anything generated.

`dist/NAME/student-handout.zip` holds one folder with the template to fill in, the engine, the
public checks, a `pytest.ini` so that plain `pytest` works there, and the students' guide. It never
holds the reference or a hidden check: the build refuses a handout entry under `reference/` or a
`hidden/` folder, and a public check that asks for the `oracle` fixture (it would need the
reference).

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

from autograder.assignment import AssignmentError
from autograder.errors import GraderError
from autograder.course import COURSE_ROOT, REGISTRY, AssignmentLayout, add_assignment_argument, find_assignment
from autograder.results import format_points

REPO_ROOT = COURSE_ROOT
AUTOGRADER_ZIP = "autograder.zip"
HANDOUT_ZIP = "student-handout.zip"
STUDENT_GUIDE = "students.md"  # in tests/NAME/; the handout's README.md

_SKIPPED_NAMES = {"__pycache__", ".venv", "venv", ".git", ".pytest_cache", ".ipynb_checkpoints"}
_SKIPPED_SUFFIXES = (".pyc", ".pyo", ".pt", ".pth", ".ckpt", ".orig", ".rej", ".swp")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

HANDOUT_PYTEST_INI = """\
# Plain `pytest` in this folder runs the public checks on the files beside this one
# (or on the folder named by --submission) and prints the per-part score table at the end.
[pytest]
testpaths = tests/{name}/public
pythonpath = .
addopts = --import-mode=importlib -p no:cacheprovider
"""


def registry_of_one(name: str) -> bytes:
    """The `tests/assignments.toml` of a zip that holds only `name`."""
    return (f"# This copy holds one assignment.\nassignments = [\"{name}\"]\n"
            f"default = \"{name}\"\n").encode("utf-8")


class BuildError(GraderError):
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
    layout: AssignmentLayout

    def summary(self) -> str:
        settings = self.layout.settings
        lines = [f"{self.layout.name}: {settings.title}"]
        for path, names in ((self.autograder_zip, self.autograder_entries),
                            (self.handout_zip, self.handout_entries)):
            lines.append(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(names)} files)")
        plural = "" if settings.bonus_points == 1 else "s"
        bonus = (f" (plus {format_points(settings.bonus_points)} bonus point{plural}, which students can "
                 "earn above it)") if settings.bonus_points else ""
        lines.append(f"On Gradescope, set the assignment's total to "
                     f"{format_points(settings.total_points)} points{bonus}.")
        if settings.data.bundle:
            missing = [name for name in settings.data.bundle if name not in self.autograder_entries]
            lines.append("data: " + ("bundled: " + ", ".join(settings.data.bundle) if not missing
                                     else "not bundled (missing here: " + ", ".join(missing) +
                                     "): the assignment's setup steps fetch it on Gradescope when "
                                     "they can; see docs/instructors.md"))
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
    """The `autograder` package: its sources and schema."""
    files = _files_under(root, "autograder")
    if not any(path.name == "__main__.py" for path in files):
        raise BuildError(f"{root / 'autograder'} is not the engine (no __main__.py)")
    return files


def _shared_test_files(root: Path) -> list[Path]:
    """`tests/conftest.py` and `tests/__init__.py`, which every assignment's checks rely on."""
    _required(root, "tests/conftest.py")
    return sorted(path for path in (root / "tests").glob("*.py") if path.is_file())


def _assignment_support(layout: AssignmentLayout) -> list[Path]:
    """The assignment's settings, support modules and set-up steps (not its checks' folders)."""
    folder = layout.tests_dir
    files = [layout.settings_path, *sorted(folder.glob("*.py")), *sorted(folder.glob("*.md")),
             *sorted(folder.glob("*.json"))]
    files += _files_under(layout.root, f"tests/{layout.name}/setup.d")
    return [path for path in files if path.is_file()]


def autograder_entries(layout: AssignmentLayout, *, include_data: bool = True) -> list[Entry]:
    """Everything `setup.sh` and `run_autograder` need on Gradescope, and nothing else."""
    root = layout.root
    files = [_required(root, "setup.sh"), _required(root, "run_autograder"),
             _required(root, "requirements.txt")]
    files += [path for path in sorted(root.glob("requirements*.txt"))
              if path.name not in ("requirements.txt", "requirements-dev.txt", "requirements-ray.txt",
                                   "requirements-student.txt")]
    files += engine_files(root)
    files += _shared_test_files(root) + _assignment_support(layout)
    files += _files_under(root, f"tests/{layout.name}/public", ("*.py",))
    hidden = _files_under(root, f"tests/{layout.name}/hidden", ("*.py",))
    if not hidden:
        raise BuildError(f"{layout.hidden_dir} holds no checks")
    files += hidden + _files_under(root, f"reference/{layout.name}", ("*.py",))
    files += _files_under(root, "setup.d")
    files += _files_under(root, "scripts", ("*.py", "*.sh"))
    if include_data:
        files += [root / name for name in layout.settings.data.bundle if (root / name).is_file()]
    return [_entry(root, path) for path in files] + [
        Entry(str(REGISTRY.as_posix()), content=registry_of_one(layout.name))]


def handout_entries(layout: AssignmentLayout) -> list[Entry]:
    """The template, the engine, the public checks, pytest.ini and the students' guide."""
    root, prefix = layout.root, layout.settings.handout_folder
    template = _files_under(root, f"student_template/{layout.name}", ("*.py", "*.ipynb"))
    if not template:
        raise BuildError(f"{layout.template_dir} holds no file to fill in")
    public = _files_under(root, f"tests/{layout.name}/public", ("*.py",))
    _refuse_oracle_in_public_checks(public)
    entries = [Entry(f"{prefix}/{path.relative_to(layout.template_dir).as_posix()}",
                     source=path) for path in template]
    entries += [_entry(root, path, prefix) for path in engine_files(root)]
    support = [path for path in _assignment_support(layout) if path.name != STUDENT_GUIDE]
    entries += [_entry(root, path, prefix) for path in [*_shared_test_files(root), *support, *public]]
    entries += [Entry(f"{prefix}/{REGISTRY.as_posix()}", content=registry_of_one(layout.name)),
                Entry(f"{prefix}/README.md", source=_required(root, f"tests/{layout.name}/{STUDENT_GUIDE}")),
                Entry(f"{prefix}/requirements.txt", source=_required(root, "requirements.txt")),
                *[Entry(f"{prefix}/{name}", source=root / name) for name in ("requirements-student.txt",)
                  if (root / name).is_file()],
                Entry(f"{prefix}/pytest.ini",
                      content=HANDOUT_PYTEST_INI.format(name=layout.name).encode("utf-8"))]
    for entry in entries:
        inner = PurePosixPath(entry.name).parts[1:]
        if inner[:1] == ("reference",) or "hidden" in inner[:-1]:
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
                if any(module == "reference" or module.startswith("reference.")
                       or ".hidden" in f".{module}" for module in modules):
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


def build(root: Path = REPO_ROOT, out: Path | None = None, *, include_data: bool = True,
          assignment: str | None = None) -> BuildReport:
    """Check the settings, then write both zips to `out` (default: `root/dist/NAME`)."""
    try:
        layout = find_assignment(assignment, root)
    except AssignmentError as error:
        raise BuildError(f"the settings are invalid, nothing was built: {error}") from None
    out = Path(out) if out is not None else root / "dist" / layout.name
    grader = autograder_entries(layout, include_data=include_data)
    handout = handout_entries(layout)
    grader_names = write_zip(out / AUTOGRADER_ZIP, grader)
    handout_names = write_zip(out / HANDOUT_ZIP, handout)
    bundled = bool(layout.settings.data.bundle) and all(
        name in grader_names for name in layout.settings.data.bundle)
    return BuildReport(out / AUTOGRADER_ZIP, out / HANDOUT_ZIP, grader_names, handout_names,
                       bundled, layout)


# ------------------------------------------------------------------------------ command line
HELP = ("instructors: write dist/NAME/autograder.zip (Gradescope) and "
        "dist/NAME/student-handout.zip")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_assignment_argument(parser)
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where to write the zips (default: dist/NAME/ in the repository)")
    parser.add_argument("--without-data", action="store_true",
                        help="leave the settings' data files out of autograder.zip even if present")


def run_command(args: argparse.Namespace) -> int:
    try:
        report = build(out=args.out, include_data=not args.without_data,
                       assignment=args.assignment)
    except (BuildError, OSError, SyntaxError) as error:
        print(f"autograder build: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0
