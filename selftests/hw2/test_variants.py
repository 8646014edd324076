"""Every graded check bites: correct variants earn full marks, wrong ones lose points on their part only.

Each file under selftests/variants/problemN/ is appended to the reference's problemN.py (a later
`def` replaces the reference's) and graded with only problem N's checks; other problems' files are
the reference's and untouched, so they cannot be affected. The file's `# expect:` line says what
must happen (see docs/writing-checks.md): `full`, or the parts that must lose points, a part
written `1.b=0` where it must earn nothing at all (a stub: a constant, its input, an empty result).
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from selftests.grading import REPO, failing_outputs, grade_folder, part_scores, submission_with_override
from selftests.variants import count_variants, expected_parts, passing_outputs

VARIANTS = sorted((Path(__file__).parent / "variants").glob("problem*/*.py"))


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_variant_is_graded_as_expected(variant: Path, tmp_path: Path) -> None:
    problem = variant.parent.name
    expected = expected_parts(variant)
    expected_losses = None if expected is None else set(expected)
    folder = submission_with_override(tmp_path, problem, variant)
    results = grade_folder(folder, tmp_path / "results.json", "--only", problem)
    settings = tomllib.loads((REPO / "tests" / "hw2" / "assignment.toml").read_text())
    code_parts = {p["label"] for p in settings["parts"] if p["file"].startswith("problem")}
    # 5.a grades allcnn.pt, which variants do not carry: selftests/problem5 grades checkpoints.
    parts = {label: value for label, value in part_scores(results).items() if label in code_parts}
    assert parts, "no checks ran"
    assert all(label.startswith(problem[-1] + ".") for label in parts), parts
    for label, (score, top) in parts.items():
        if expected_losses is None or label not in expected_losses:
            assert score == top, (f"{label} lost points ({score}/{top}) but this variant should keep "
                                  f"them:\n{failing_outputs(results, label)}")
        elif expected[label]:
            assert score == 0, (f"{label} earned {score}/{top} but this variant (a stub) must earn "
                                f"nothing there:\n{passing_outputs(results, label)}")
        else:
            assert score < top, f"{label} kept every point ({score}/{top}) but this variant is wrong"
    if expected_losses:
        assert expected_losses <= parts.keys(), f"unknown parts {expected_losses - parts.keys()}"


def _counts() -> tuple[dict, dict, dict]:
    settings = tomllib.loads((REPO / "tests" / "hw2" / "assignment.toml").read_text())
    code_parts = {p["label"]: p["file"] for p in settings["parts"] if p["file"].startswith("problem")}
    return count_variants(VARIANTS, code_parts)


def test_every_part_has_wrong_variants_and_every_problem_correct_ones() -> None:
    """At least two wrong variants aimed at each graded function part, two correct ones per problem."""
    wrong, correct, _ = _counts()
    assert all(count >= 2 for count in wrong.values()), f"wrong variants per part: {wrong}"
    assert all(count >= 2 for count in correct.values()), f"correct variants per problem: {correct}"


def test_every_part_has_stubs_that_earn_nothing() -> None:
    """Each graded function part has stubs (a constant, its input, an empty result) that must earn
    0 on it: no check there pays for how a value is computed when the value is wrong."""
    _, _, stubs = _counts()
    assert all(count >= 2 for count in stubs.values()), f"stubs that must earn 0, per part: {stubs}"
