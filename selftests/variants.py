"""Variants, for every assignment's self-tests: reading a variant's `# expect:` line, and grading
variants in groups.

A variant is an override file appended to the reference's `problemN.py` (a later `def` replaces the
reference's). Its `# expect:` line says what grading must show (docs/writing-checks.md): `full`,
or the part labels that must lose points, a label written `1.b=0` where it must earn nothing at
all (a stub: a constant, its input, an empty result).
"""
from __future__ import annotations

import re
from pathlib import Path

from autograder.course import copy_code
from selftests.grading import failing_outputs


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


# ------------------------------------------------------------------------- grading in groups
def variant_groups(variants: list[Path]) -> list[dict[str, Path]]:
    """The i-th variant of every problem in one group: {problem: variant}, so one grading judges
    several problems' variants at once (each problem's parts are judged by its own variant)."""
    by_problem: dict[str, list[Path]] = {}
    for variant in variants:
        by_problem.setdefault(variant.parent.name, []).append(variant)
    size = max((len(items) for items in by_problem.values()), default=0)
    return [{problem: items[i] for problem, items in sorted(by_problem.items()) if i < len(items)}
            for i in range(size)]


def group_id(group: dict[str, Path]) -> str:
    return "+".join(variant.stem for variant in group.values())[:120]


def with_overrides(reference: Path, folder: Path, overrides: dict[str, Path]) -> Path:
    """A copy of `reference` (no checkpoints, no scripts) with each `problem.py` followed by its
    variant (a later `def` replaces the reference's)."""
    copy_code(reference, folder)
    for problem, variant in overrides.items():
        target = folder / f"{problem}.py"
        target.write_text(target.read_text() + "\n\n# ---- variant override ----\n" + variant.read_text())
    return folder


def judge_group(results: dict, scores: dict[str, tuple[float, float]], baseline: dict[str, tuple[float, float]],
                group: dict[str, Path], part_problems: dict[str, str]) -> list[str]:
    """What went wrong in one group's grading (empty: every variant graded as its line says).

    A part is judged by its problem's variant against the reference graded the same way
    (`baseline`): a correct variant keeps what the reference earns, a wrong one loses points, a
    stub earns nothing; a part of a problem outside the group must not have been graded at all."""
    failures = []
    graded = {part_problems[label] for label in scores}
    if graded != set(group):
        failures.append(f"graded {sorted(graded)}, not the group's {sorted(group)}")
    for label, (score, top) in scores.items():
        variant = group.get(part_problems[label])
        if variant is None:
            continue
        expected = expected_parts(variant) or {}
        best, name = baseline[label][0], f"{variant.parent.name}/{variant.name}"
        if label not in expected and score != best:
            failures.append(f"{label} lost points ({score}/{top}, the reference {best}) but {name} "
                            f"should keep them:\n{failing_outputs(results, label)}")
        elif expected.get(label) and score != 0:
            failures.append(f"{label} earned {score}/{top} but {name} (a stub) must earn nothing there:\n"
                            f"{passing_outputs(results, label)}")
        elif label in expected and score >= best:
            failures.append(f"{label} kept every point ({score}/{top}) but {name} is wrong")
    for problem, variant in group.items():
        unknown = set(expected_parts(variant) or {}) - {l for l, p in part_problems.items() if p == problem}
        if unknown:
            failures.append(f"{variant.name} expects parts {sorted(unknown)} that {problem} does not feed")
    return failures
