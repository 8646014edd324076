"""HW4: every check bites. Correct variants earn full marks; wrong ones lose points on their own
part only; stubs earn nothing there (`# expect:` lines, docs/writing-checks.md).

Gradings are shared (`selftests/variants.py`): the i-th variant of every problem goes into one
submission, graded once with those problems' checks, and each part is judged by its problem's
variant against the reference graded the same way (no checkpoint in these folders, so 2.4's
checkpoint points are out of reach for both). A variant that broke another problem's part would
show there, a stronger claim than grading it alone. The gradings go through one long-lived
grading process per module (`batch_grader`), as a class regrade grades.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.course import find_assignment
from selftests.grading import REPO, BatchGrader, part_scores
from selftests.variants import count_variants, group_id, judge_group, variant_groups, with_overrides

SETTINGS = find_assignment("hw4").settings
PART_PROBLEMS = {part.label: part.problem for part in SETTINGS.parts}
VARIANTS = sorted((Path(__file__).parent / "variants").glob("problem*/*.py"))
REFERENCE = REPO / "reference" / "hw4"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory,
             batch_grader: BatchGrader) -> dict[str, tuple[float, float]]:
    """The reference's part scores when graded like the variants (every problem, no checkpoint)."""
    folder = with_overrides(REFERENCE, tmp_path_factory.mktemp("hw4-baseline") / "submission", {})
    return part_scores(batch_grader.grade(folder, assignment="hw4"))


@pytest.mark.parametrize("group", variant_groups(VARIANTS), ids=group_id)
def test_variants_are_graded_as_expected(group: dict[str, Path], baseline: dict, tmp_path: Path,
                                         batch_grader: BatchGrader) -> None:
    folder = with_overrides(REFERENCE, tmp_path / "submission", group)
    results = batch_grader.grade(folder, assignment="hw4", only=list(group))
    failures = judge_group(results, part_scores(results), baseline, group, PART_PROBLEMS)
    assert not failures, "\n\n".join(failures)


def test_every_part_has_wrong_variants_stubs_and_every_problem_correct_ones() -> None:
    wrong, correct, stubs = count_variants(VARIANTS, PART_PROBLEMS)
    realistic = {label: wrong[label] - stubs[label] for label in wrong}
    assert all(count >= 2 for count in realistic.values()), f"realistic wrong variants per part: {realistic}"
    assert all(count >= 2 for count in stubs.values()), f"stubs that must earn 0, per part: {stubs}"
    assert all(count >= 2 for count in correct.values()), f"correct variants per problem: {correct}"
