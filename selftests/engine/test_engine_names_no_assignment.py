"""The engine names no assignment: none of any assignment's problems, files, part labels, titles or
handout folders appears anywhere in `autograder/` (code, comments, docstrings, data files).

Every assignment the course lists is searched, and so is the self-tests' own small course, so that
a name used by either is caught. A label that reads as a number ("7", "2.3") is searched as a
string literal and where prose names it ("part 2.3", "2.3's"), since as a plain word it would match
every such number in the code; every other name is searched as a whole word.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from autograder.assignment import Assignment
from autograder.course import COURSE_ROOT, find_assignment, read_registry

ENGINE = COURSE_ROOT / "autograder"
NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
EXTRA_COURSES = [COURSE_ROOT / "selftests" / "course"]  # the self-tests' second course, if present
SEARCHED_SUFFIXES = (".py", ".toml", ".json", ".md", ".txt", ".sh")


def _assignments() -> list[tuple[str, Assignment]]:
    found = []
    for root in [COURSE_ROOT, *EXTRA_COURSES]:
        if (root / "tests" / "assignments.toml").is_file():
            found += [(name, find_assignment(name, root).settings)
                      for name in read_registry(root).names]
    return found


def _names(settings: Assignment) -> tuple[dict[str, re.Pattern[str]], set[str]]:
    """(patterns searched in the text by name, number-like labels searched as string literals)."""
    words = {settings.title, settings.handout_folder, *settings.problems()}
    for file in settings.files:
        words |= {file.key, file.shown_name}
    literals = set()
    for label in settings.labels():
        (literals if NUMBER.fullmatch(label) else words).add(label)
    patterns = {word: re.compile(rf"(?<![\w.]){re.escape(word)}(?![\w])", re.IGNORECASE) for word in words}
    patterns |= {label: re.compile(rf"\bparts?\s+{re.escape(label)}(?![\w.])|(?<![\w.]){re.escape(label)}'s\b",
                                   re.IGNORECASE) for label in literals}
    return patterns, literals


def _engine_files() -> list[Path]:
    return sorted(path for path in ENGINE.rglob("*") if path.is_file()
                  and path.suffix in SEARCHED_SUFFIXES and "__pycache__" not in path.parts)


def _string_literals(path: Path) -> set[str]:
    if path.suffix != ".py":
        return set()
    return {node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


ASSIGNMENTS = _assignments()


def test_there_is_more_than_one_assignment_to_search_for() -> None:
    assert len(ASSIGNMENTS) >= 1 and {name for name, _ in ASSIGNMENTS} >= set(read_registry().names)


@pytest.mark.parametrize("name, settings", ASSIGNMENTS, ids=[name for name, _ in ASSIGNMENTS])
def test_the_engine_source_names_nothing_of_the_assignment(name: str, settings: Assignment) -> None:
    patterns, literals = _names(settings)
    hits = []
    for path in _engine_files():
        text = path.read_text(encoding="utf-8")
        for word, pattern in patterns.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                hits.append(f"{path.relative_to(COURSE_ROOT)}:{line}: {word!r}")
        hits += [f"{path.relative_to(COURSE_ROOT)}: the string {label!r}"
                 for label in literals & _string_literals(path)]
    assert not hits, f"the engine names parts of {name}:\n" + "\n".join(hits)


def test_the_search_finds_a_name_where_there_is_one(tmp_path) -> None:
    """The search itself bites: a file that names a problem and a file is caught."""
    name, settings = ASSIGNMENTS[0]
    words, _ = _names(settings)
    word = sorted(words)[0]
    pattern = re.compile(rf"(?<![\w.]){re.escape(word)}(?![\w])", re.IGNORECASE)
    assert pattern.search(f"see `{word}` here")
    assert not pattern.search(f"see `x{word}y` here")
