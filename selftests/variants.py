"""Reading a variant's `# expect:` line, for every assignment's variant self-tests.

A variant is an override file appended to the reference's `problemN.py` (a later `def` replaces the
reference's). Its `# expect:` line says what grading must show (docs/writing-checks.md): `full`,
or the part labels that must lose points, a label written `1.b=0` where it must earn nothing at
all (a stub: a constant, its input, an empty result).
"""
from __future__ import annotations

import re
from pathlib import Path


def expected_parts(path: Path) -> dict[str, bool] | None:
    """None for a correct variant ("full"), else each part that must lose points, mapped to True
    where it must earn nothing at all (written `1.b=0`)."""
    match = re.search(r"^# expect:\s*(.+)$", path.read_text(), re.MULTILINE)
    assert match, f"{path} has no '# expect:' line"
    value = match.group(1).strip()
    if value == "full":
        return None
    parts = {}
    for item in value.split(","):
        label, _, zero = item.strip().partition("=")
        assert zero in ("", "0"), f"{path}: '{item.strip()}' must be a part label or label=0"
        parts[label.strip()] = zero == "0"
    return parts


def expectation(path: Path) -> set[str] | None:
    """None for a correct variant ("full"), else the part labels that must lose points."""
    expected = expected_parts(path)
    return None if expected is None else set(expected)


def passing_outputs(results: dict, label: str) -> str:
    """The names of a part's tests that earned points, to show when a stub earned some."""
    return "\n".join(f"- {t['name']}: {t['score']}/{t['max_score']}" for t in results["tests"]
                     if t["number"] == label and t["score"] > 0)


def count_variants(variants: list[Path], part_files: dict[str, str]) -> tuple[dict, dict, dict]:
    """(wrong variants per part, correct variants per file, stubs per part) of `variants`, whose
    folder is the file they override; `part_files` maps each graded part to its file."""
    wrong = dict.fromkeys(part_files, 0)
    stubs = dict.fromkeys(part_files, 0)
    correct = dict.fromkeys(part_files.values(), 0)
    for variant in variants:
        expected = expected_parts(variant)
        if expected is None:
            correct[variant.parent.name] = correct.get(variant.parent.name, 0) + 1
        for label, zero in (expected or {}).items():
            wrong[label] = wrong.get(label, 0) + 1
            stubs[label] = stubs.get(label, 0) + zero
    return wrong, correct, stubs
