"""The course's assignments: which there are, which is the default, and where each one's parts live.

An assignment NAME is content laid out in the same shape under the course's top-level folders:

    reference/NAME/            the reference solution (the oracle of hidden checks)
    student_template/NAME/     what students start from
    tests/NAME/assignment.toml its settings
    tests/NAME/public/         checks shipped to students
    tests/NAME/hidden/         checks only Gradescope runs
    tests/NAME/*.py            support code of its checks (optional)

`tests/assignments.toml` lists the names and the default. The engine never imports an assignment
by name: everything it learns about one comes from these folders (see `docs/layout.md`).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from autograder.assignment import Assignment, AssignmentError, load_assignment
from autograder.settings_table import SettingsError, Table

COURSE_ROOT = Path(__file__).resolve().parent.parent
REGISTRY = Path("tests") / "assignments.toml"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_NOT_CODE = shutil.ignore_patterns("__pycache__", "*.pt", "train_*")


def copy_code(source: Path, destination: Path) -> Path:
    """An assignment's folder (its reference, its template) as a submission of code alone: no
    checkpoint (`*.pt`), no training script (`train_*`), no bytecode. `destination` may exist
    already (a handout to complete); returns it."""
    shutil.copytree(source, destination, ignore=_NOT_CODE, dirs_exist_ok=True)
    return destination


@dataclass(frozen=True)
class AssignmentLayout:
    """Where one assignment's parts live, and its settings."""

    name: str
    root: Path  # the course folder
    settings: Assignment

    @property
    def reference_dir(self) -> Path:
        return self.root / "reference" / self.name

    @property
    def template_dir(self) -> Path:
        return self.root / "student_template" / self.name

    @property
    def tests_dir(self) -> Path:
        return self.root / "tests" / self.name

    @property
    def public_dir(self) -> Path:
        return self.tests_dir / "public"

    @property
    def hidden_dir(self) -> Path:
        return self.tests_dir / "hidden"

    @property
    def settings_path(self) -> Path:
        return self.tests_dir / "assignment.toml"


@dataclass(frozen=True)
class Registry:
    names: tuple[str, ...]
    default: str


def read_registry(root: Path = COURSE_ROOT) -> Registry:
    """`tests/assignments.toml`: the assignments of this copy and the default one."""
    path = root / REGISTRY
    try:
        table = Table(tomllib.loads(path.read_text(encoding="utf-8")))
        names = table.strings("assignments")
        default = table.string("default")
        table.done()
    except OSError as error:
        raise AssignmentError(f"cannot read the list of assignments {path}: {error}") from error
    except (tomllib.TOMLDecodeError, SettingsError) as error:
        raise AssignmentError(f"{path}: {error}") from None
    for name in names:
        if not _NAME.match(name):
            raise AssignmentError(f"{path}: assignment name {name!r} must be lower-case letters, "
                                  "digits and '_', starting with a letter")
    if default not in names:
        raise AssignmentError(f"{path}: the default {default!r} is not among {', '.join(names)}")
    return Registry(names=names, default=default)


def find_assignment(name: str | None = None, root: Path = COURSE_ROOT) -> AssignmentLayout:
    """The named assignment (the registry's default when None), with its settings checked."""
    registry = read_registry(root)
    chosen = name or registry.default
    if chosen not in registry.names:
        raise AssignmentError(f"no assignment {chosen!r} here: this copy has "
                              f"{', '.join(registry.names)}")
    settings_path = root / "tests" / chosen / "assignment.toml"
    return AssignmentLayout(name=chosen, root=root, settings=load_assignment(settings_path))


def assignment_of_path(path: Path, root: Path = COURSE_ROOT) -> str | None:
    """The assignment whose `tests/NAME/` folder holds `path`, if any (for plain pytest runs)."""
    try:
        relative = path.resolve().relative_to((root / "tests").resolve())
    except ValueError:
        return None
    return relative.parts[0] if len(relative.parts) > 1 or path.is_dir() and relative.parts else None


def add_assignment_argument(parser: object) -> None:
    """The `--assignment NAME` option every command takes."""
    parser.add_argument("--assignment", default=None, metavar="NAME",  # type: ignore[attr-defined]
                        help="which assignment (default: the one tests/assignments.toml names)")
