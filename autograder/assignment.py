"""One assignment's settings (its `tests/<name>/assignment.toml`), checked before any grading starts.

A typo in the settings must stop the grader loudly rather than silently grade with a wrong point
total, so every key is checked: unknown keys, bad types, duplicate parts or files, a part that
names no submitted file, non-positive points and unknown visibilities are all `AssignmentError`s
that name the offending key. Every key is described in `docs/adding-an-assignment.md`.

The engine reads everything here except `[checks]`, which belongs to the assignment's own checks
(thresholds, sizes): the engine hands it over as a `Table` for them to read and check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 (Gradescope's Ubuntu 22.04): the same parser, as a package
    import tomli as tomllib

from autograder.settings_table import SettingsError, Table

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
"""Gradescope's visibility values, shared with the decorators and the plugin."""

FILE_KINDS = ("module", "checkpoint")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,18}[A-Za-z0-9])?$")  # 4.c, 7, 2.2, Q3
_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")


class AssignmentError(SettingsError):
    """The settings file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class SubmittedFile:
    """One file a submission holds: a Python module the checks call (`student.<key>`), standing
    for `<key>.py` or a notebook whose name matches `notebook`; or a checkpoint named `key`."""

    key: str
    kind: str
    notebook: str | None = None   # a regular expression searched in the lower-cased notebook name
    max_mb: float | None = None   # None: the engine's cap for this kind of file
    aliases: tuple[str, ...] = ()  # other names a checkpoint is found under (`model.pth`)

    @property
    def names(self) -> tuple[str, ...]:
        """The lower-cased file names a checkpoint is found under: its key, then its aliases."""
        return tuple(name.lower() for name in (self.key, *self.aliases))

    @property
    def shown_name(self) -> str:
        return f"{self.key}.py" if self.kind == "module" else self.key


@dataclass(frozen=True)
class Part:
    """One autograded part, e.g. 4.c worth 8 points, fed by the file `lab4`."""

    label: str
    points: float
    file: str
    what: str
    problem: str = ""  # the checks' group: test files `test_<problem>.py`; defaults to `file`
    bonus: bool = False  # extra credit: earns points, not part of the total set on Gradescope

    def __post_init__(self) -> None:
        if not self.problem:
            object.__setattr__(self, "problem", self.file)


@dataclass(frozen=True)
class Limits:
    call_timeout_s: float       # one call into student code
    symbolic_timeout_s: float   # deciding one sympy equivalence
    check_timeout_s: float      # one check on the grader's side (pytest-timeout), a backstop
    reference_time_factor: float = 0.0  # > 0: a function's deadline is this many times the
    reference_time_floor_s: float = 0.0  # reference's own time on it, at least the floor (both
                                          # capped by call_timeout_s); see `call_budgets`


@dataclass(frozen=True)
class VisibilityDefaults:
    """Gradescope visibility of the tests in `public/` and `hidden/`."""

    public: str
    hidden: str


@dataclass(frozen=True)
class DataSettings:
    eval_limit: int                 # examples the checks evaluate on; 0: the full data set
    bundle: tuple[str, ...] = ()    # files (from the course root) packed into the Gradescope zip


@dataclass(frozen=True)
class Assignment:
    title: str
    limits: Limits
    visibility: VisibilityDefaults
    data: DataSettings
    files: tuple[SubmittedFile, ...]
    parts: tuple[Part, ...]
    handout_folder: str
    notebook_hint: str = ""
    graded_by_hand: str = ""  # what `check` reminds students is graded by hand, not by checks
    checks_raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        """The title shown to students (kept as `name` for the checks that read it)."""
        return self.title

    @property
    def total_points(self) -> float:
        """The total to set on Gradescope: every part but the bonus ones."""
        return sum(part.points for part in self.parts if not part.bonus)

    @property
    def bonus_points(self) -> float:
        return sum(part.points for part in self.parts if part.bonus)

    def part(self, label: str) -> Part:
        for part in self.parts:
            if part.label == label:
                return part
        raise KeyError(label)

    def labels(self) -> tuple[str, ...]:
        return tuple(part.label for part in self.parts)

    def problems(self) -> tuple[str, ...]:
        """The checks' groups, in part order (each names test files `test_<problem>.py`)."""
        return tuple(dict.fromkeys(part.problem for part in self.parts))

    def parts_of(self, problems: Iterable[str] | None) -> tuple[Part, ...]:
        """The parts of the given problems; every part when `problems` is None."""
        if problems is None:
            return self.parts
        wanted = set(problems)
        return tuple(part for part in self.parts if part.problem in wanted)

    def files_of(self, problems: Iterable[str] | None) -> set[str]:
        """The submitted files that feed the given problems' parts (all when None)."""
        return {part.file for part in self.parts_of(problems)}

    def modules(self) -> tuple[str, ...]:
        return tuple(file.key for file in self.files if file.kind == "module")

    def checkpoints(self) -> tuple[str, ...]:
        return tuple(file.key for file in self.files if file.kind == "checkpoint")

    def checks(self) -> Table:
        """The `[checks]` table, for the assignment's own checks to read key by key."""
        return Table(dict(self.checks_raw), "checks")


def load_assignment(path: Path | str) -> Assignment:
    """Read and check one assignment's settings file."""
    return _load_cached(Path(path).resolve())


@lru_cache(maxsize=16)
def _load_cached(path: Path) -> Assignment:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise AssignmentError(f"cannot read the assignment settings {path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise AssignmentError(f"{path} is not valid TOML: {error}") from error
    try:
        return _parse(raw)
    except SettingsError as error:
        raise AssignmentError(f"{path}: {error}") from None


def _parse(raw: dict[str, Any]) -> Assignment:
    table = Table(raw)
    title = table.string("name")
    handout_folder = table.string("handout_folder")
    notebook_hint = table.string("notebook_hint", "")
    graded_by_hand = table.string("graded_by_hand", "")
    limits_table = table.table("limits")
    limits = Limits(call_timeout_s=limits_table.positive("call_timeout_s"),
                    symbolic_timeout_s=limits_table.positive("symbolic_timeout_s"),
                    check_timeout_s=limits_table.positive("check_timeout_s"),
                    reference_time_factor=limits_table.positive("reference_time_factor", 0.0)
                    if limits_table.has("reference_time_factor") else 0.0,
                    reference_time_floor_s=limits_table.positive("reference_time_floor_s", 0.0)
                    if limits_table.has("reference_time_floor_s") else 0.0)
    limits_table.done()
    visibility_table = table.table("visibility")
    visibility = VisibilityDefaults(public=visibility_table.choice("public", VISIBILITIES),
                                    hidden=visibility_table.choice("hidden", VISIBILITIES))
    visibility_table.done()
    data = _parse_data(table.table("data", {}))
    files = tuple(_parse_file(entry) for entry in table.array_of_tables("files"))
    parts = tuple(_parse_part(entry) for entry in table.array_of_tables("parts"))
    checks = table.raw("checks", {})
    if not isinstance(checks, dict):
        raise AssignmentError("checks must be a table ([checks])")
    table.done()
    _check_consistency(files, parts)
    return Assignment(title=title, limits=limits, visibility=visibility, data=data, files=files,
                      parts=parts, handout_folder=handout_folder, notebook_hint=notebook_hint,
                      graded_by_hand=graded_by_hand, checks_raw=checks)


def _parse_data(table: Table) -> DataSettings:
    eval_limit = table.integer("eval_limit", 0)
    if eval_limit < 0:
        raise AssignmentError("data.eval_limit must be 0 (the full data set) or positive")
    bundle = table.strings("bundle", ())
    for name in bundle:
        if name.startswith("/") or ".." in Path(name).parts:
            raise AssignmentError(f"data.bundle: {name!r} must be a path inside the course folder")
    table.done()
    return DataSettings(eval_limit=eval_limit, bundle=bundle)


def _parse_file(table: Table) -> SubmittedFile:
    kind = table.choice("kind", FILE_KINDS)
    key = table.string("key")
    if kind == "module" and not _KEY.match(key):
        raise AssignmentError(f"files: a module key must be a lower-case Python name, not {key!r}")
    if kind == "checkpoint" and ("/" in key or key.startswith(".")):
        raise AssignmentError(f"files: a checkpoint key is a plain file name, not {key!r}")
    notebook = table.string("notebook", None) if kind == "module" else None
    if notebook is not None:
        try:
            re.compile(notebook)
        except re.error as error:
            raise AssignmentError(f"files: notebook pattern {notebook!r} is invalid: {error}") from None
    max_mb = table.positive("max_mb", None) if table.has("max_mb") else None
    aliases = table.strings("aliases", ()) if kind == "checkpoint" else ()
    for alias in aliases:
        if "/" in alias or alias.startswith("."):
            raise AssignmentError(f"files: a checkpoint alias is a plain file name, not {alias!r}")
    table.done()
    return SubmittedFile(key=key, kind=kind, notebook=notebook, max_mb=max_mb, aliases=aliases)


def _parse_part(table: Table) -> Part:
    label = table.string("label")
    if not _LABEL.match(label):
        raise AssignmentError(f"part label {label!r} is not a Gradescope question number "
                              "(letters, digits, '.', '_' or '-', such as 4.c, 7 or Q3)")
    part = Part(label=label, points=table.positive("points"), file=table.string("file"),
                what=table.string("what"), problem=table.string("problem", ""),
                bonus=table.boolean("bonus", False))
    table.done()
    return part


def _check_consistency(files: tuple[SubmittedFile, ...], parts: tuple[Part, ...]) -> None:
    if not parts:
        raise AssignmentError("[[parts]] lists no parts")
    keys = [file.key for file in files]
    for key in keys:
        if keys.count(key) > 1:
            raise AssignmentError(f"file {key!r} is listed twice")
    seen: set[str] = set()
    for part in parts:
        if part.label in seen:
            raise AssignmentError(f"part {part.label!r} is listed twice")
        seen.add(part.label)
        if part.file not in keys:
            raise AssignmentError(f"part {part.label!r} needs file {part.file!r}, which [[files]] "
                                  "does not list")
        if not _KEY.match(part.problem):
            raise AssignmentError(f"part {part.label!r}: problem {part.problem!r} must be a "
                                  "lower-case Python name (it names the test files)")
