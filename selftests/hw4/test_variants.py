"""HW4: every check bites. Correct variants earn full marks; wrong ones lose points on their own
part only; stubs earn nothing there (`# expect:` lines, docs/writing-checks.md).

Gradings are shared: the i-th variant of every problem goes into one submission (the reference,
each problem's file overridden by its variant), graded once with those problems' checks. A part
is then judged against the reference graded the same way (no checkpoint in these folders, so 2.4's
checkpoint points are out of reach for both), and a variant that broke another problem's part
would show there, which is a stronger claim than grading it alone.
"""
from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from autograder.course import find_assignment
from selftests.grading import REPO, failing_outputs, grade_folder, part_scores
from selftests.variants import count_variants, expected_parts, passing_outputs

SETTINGS = find_assignment("hw4").settings
PART_FILES = {part.label: part.file for part in SETTINGS.parts}
VARIANTS = sorted((Path(__file__).parent / "variants").glob("problem*/*.py"))


def _groups() -> list[dict[str, Path]]:
    by_file: dict[str, list[Path]] = defaultdict(list)
    for variant in VARIANTS:
        by_file[variant.parent.name].append(variant)
    size = max((len(items) for items in by_file.values()), default=0)
    return [{file: items[i] for file, items in sorted(by_file.items()) if i < len(items)} for i in range(size)]


GROUPS = _groups()


def _submission(folder: Path, overrides: dict[str, Path]) -> Path:
    shutil.copytree(REPO / "reference" / "hw4", folder, ignore=shutil.ignore_patterns("__pycache__", "train_*"))
    for file, variant in overrides.items():
        target = folder / f"{file}.py"
        target.write_text(target.read_text() + "\n\n# ---- variant override ----\n" + variant.read_text())
    return folder


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[float, float]]:
    """The reference's part scores when graded like the variants (every problem, no checkpoint)."""
    folder = _submission(tmp_path_factory.mktemp("hw4-baseline") / "submission", {})
    return part_scores(grade_folder(folder, folder.parent / "results.json", "--assignment", "hw4"))


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: "+".join(p.stem for p in g.values())[:120])
def test_variants_are_graded_as_expected(group: dict[str, Path], baseline: dict, tmp_path: Path) -> None:
    folder = _submission(tmp_path / "submission", group)
    results = grade_folder(folder, tmp_path / "results.json", "--assignment", "hw4", "--only", *group)
    parts = part_scores(results)
    problems = {PART_FILES[label] for label in parts}
    assert problems == set(group), f"graded {sorted(problems)}, not the group's {sorted(group)}"
    failures = []
    for label, (score, top) in parts.items():
        variant = group[PART_FILES[label]]
        expected = expected_parts(variant) or {}
        best = baseline[label][0]
        name = f"{variant.parent.name}/{variant.name}"
        if label not in expected and score != best:
            failures.append(f"{label} lost points ({score}/{top}, the reference {best}) but {name} should "
                            f"keep them:\n{failing_outputs(results, label)}")
        elif expected.get(label) and score != 0:
            failures.append(f"{label} earned {score}/{top} but {name} (a stub) must earn nothing there:\n"
                            f"{passing_outputs(results, label)}")
        elif label in expected and score >= best:
            failures.append(f"{label} kept every point ({score}/{top}) but {name} is wrong")
    for file, variant in group.items():
        unknown = set(expected_parts(variant) or {}) - {l for l, f in PART_FILES.items() if f == file}
        if unknown:
            failures.append(f"{variant.name} expects parts {sorted(unknown)} that {file} does not feed")
    assert not failures, "\n\n".join(failures)


def test_every_part_has_wrong_variants_stubs_and_every_problem_correct_ones() -> None:
    wrong, correct, stubs = count_variants(VARIANTS, PART_FILES)
    realistic = {label: wrong[label] - stubs[label] for label in wrong}
    assert all(count >= 2 for count in realistic.values()), f"realistic wrong variants per part: {realistic}"
    assert all(count >= 2 for count in stubs.values()), f"stubs that must earn 0, per part: {stubs}"
    assert all(count >= 2 for count in correct.values()), f"correct variants per problem: {correct}"
