"""The assignment's settings (`assignment.toml`), read once and checked before any grading starts.

A typo in the settings file must stop the grader loudly rather than silently grade with a wrong
point total, so every key is checked: unknown keys, bad types, duplicate parts, non-positive points
and unknown visibilities are all `AssignmentError`s that name the offending key.
"""

from __future__ import annotations

import math
import re
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 (Gradescope's Ubuntu 22.04): the same parser, as a package
    import tomli as tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

DEFAULT_PATH = Path(__file__).with_name("assignment.toml")

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
"""Gradescope's visibility values, shared with the decorators and the plugin."""

_LABEL = re.compile(r"^[1-9][0-9]*\.[a-z]+$")


class AssignmentError(ValueError):
    """The settings file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Part:
    """One autograded part of the contract, e.g. 2.b worth 8 points, needing `problem2.py`."""

    label: str
    points: float
    file: str
    what: str

    @property
    def problem(self) -> str:
        """The problem this part belongs to ("problem2" for "2.b"), which names its test files."""
        return "problem" + self.label.split(".", 1)[0]


@dataclass(frozen=True)
class Limits:
    call_timeout_s: float
    symbolic_timeout_s: float


@dataclass(frozen=True)
class VisibilityDefaults:
    """Gradescope visibility of the tests in `tests/public/` and `tests/hidden/`."""

    public: str
    hidden: str


@dataclass(frozen=True)
class Problem5Settings:
    full_credit_accuracy: float
    zero_credit_accuracy: float
    eval_limit: int
    """How many test images 5.a scores on; 0 means the full test set."""


@dataclass(frozen=True)
class Assignment:
    name: str
    limits: Limits
    visibility: VisibilityDefaults
    problem5: Problem5Settings
    parts: tuple[Part, ...]

    @property
    def total_points(self) -> float:
        return sum(part.points for part in self.parts)

    def part(self, label: str) -> Part:
        for part in self.parts:
            if part.label == label:
                return part
        raise KeyError(label)

    def labels(self) -> tuple[str, ...]:
        return tuple(part.label for part in self.parts)

    def parts_of(self, problems: Iterable[str] | None) -> tuple[Part, ...]:
        """The parts of the given problems ("problem2", ...); every part when `problems` is None."""
        if problems is None:
            return self.parts
        wanted = set(problems)
        return tuple(part for part in self.parts if part.problem in wanted)


def load_assignment(path: Path | str | None = None) -> Assignment:
    """Read and check the settings file (the package's `assignment.toml` by default)."""
    return _load_cached(Path(path) if path is not None else DEFAULT_PATH)


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> Assignment:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise AssignmentError(f"cannot read the assignment settings {path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise AssignmentError(f"{path} is not valid TOML: {error}") from error
    try:
        return _parse(raw)
    except AssignmentError as error:
        raise AssignmentError(f"{path}: {error}") from None


def _parse(raw: dict[str, Any]) -> Assignment:
    table = _Table(raw, "")
    name = table.string("name")
    limits_table = table.table("limits")
    limits = Limits(
        call_timeout_s=limits_table.positive("call_timeout_s"),
        symbolic_timeout_s=limits_table.positive("symbolic_timeout_s"),
    )
    limits_table.done()
    visibility_table = table.table("visibility")
    visibility = VisibilityDefaults(
        public=visibility_table.choice("public", VISIBILITIES),
        hidden=visibility_table.choice("hidden", VISIBILITIES),
    )
    visibility_table.done()
    problem5 = _parse_problem5(table.table("problem5"))
    parts = tuple(_parse_part(entry) for entry in table.array_of_tables("parts"))
    table.done()
    if not parts:
        raise AssignmentError("[[parts]] lists no parts")
    seen: set[str] = set()
    for part in parts:
        if part.label in seen:
            raise AssignmentError(f"part {part.label!r} is listed twice")
        seen.add(part.label)
    return Assignment(name=name, limits=limits, visibility=visibility, problem5=problem5, parts=parts)


def _parse_problem5(table: _Table) -> Problem5Settings:
    full = table.fraction("full_credit_accuracy")
    zero = table.fraction("zero_credit_accuracy")
    if not zero < full:
        raise AssignmentError("[problem5] zero_credit_accuracy must be below full_credit_accuracy")
    eval_limit = table.integer("eval_limit")
    if eval_limit < 0:
        raise AssignmentError("[problem5] eval_limit must be 0 (the full test set) or positive")
    table.done()
    return Problem5Settings(full_credit_accuracy=full, zero_credit_accuracy=zero, eval_limit=eval_limit)


def _parse_part(table: _Table) -> Part:
    label = table.string("label")
    if not _LABEL.match(label):
        raise AssignmentError(f"part label {label!r} is not of the form '2.b'")
    part = Part(label=label, points=table.positive("points"), file=table.string("file"),
                what=table.string("what"))
    table.done()
    return part


class _Table:
    """A TOML table whose keys are taken one by one, so that leftovers (typos) can be reported."""

    def __init__(self, raw: Any, where: str) -> None:
        if not isinstance(raw, dict):
            raise AssignmentError(f"{where or 'the file'} must be a table")
        self._raw = raw
        self._where = where
        self._taken: set[str] = set()

    def _take(self, key: str) -> Any:
        if key not in self._raw:
            raise AssignmentError(f"missing key {self._name(key)}")
        self._taken.add(key)
        return self._raw[key]

    def _name(self, key: str) -> str:
        return f"{self._where}.{key}" if self._where else key

    def done(self) -> None:
        unknown = sorted(set(self._raw) - self._taken)
        if unknown:
            raise AssignmentError("unknown key(s): " + ", ".join(self._name(k) for k in unknown))

    def string(self, key: str) -> str:
        value = self._take(key)
        if not isinstance(value, str) or not value.strip():
            raise AssignmentError(f"{self._name(key)} must be a non-empty string")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self._take(key)
        if value not in allowed:
            raise AssignmentError(f"{self._name(key)} = {value!r} is not one of {', '.join(allowed)}")
        return value

    def number(self, key: str) -> float:
        value = self._take(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise AssignmentError(f"{self._name(key)} must be a finite number")
        return value

    def positive(self, key: str) -> float:
        value = self.number(key)
        if value <= 0:
            raise AssignmentError(f"{self._name(key)} must be positive, not {value}")
        return value

    def fraction(self, key: str) -> float:
        value = self.number(key)
        if not 0 <= value <= 1:
            raise AssignmentError(f"{self._name(key)} must lie in [0, 1], not {value}")
        return float(value)

    def integer(self, key: str) -> int:
        value = self._take(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise AssignmentError(f"{self._name(key)} must be an integer")
        return value

    def table(self, key: str) -> _Table:
        return _Table(self._take(key), self._name(key))

    def array_of_tables(self, key: str) -> list[_Table]:
        value = self._take(key)
        if not isinstance(value, list):
            raise AssignmentError(f"{self._name(key)} must be an array of tables ([[{key}]])")
        return [_Table(entry, f"{self._name(key)}[{index}]") for index, entry in enumerate(value)]
