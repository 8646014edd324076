"""HW2: every check bites. Correct variants earn full marks; wrong ones lose points on their own
part only; stubs earn nothing there (`# expect:` lines, docs/writing-checks.md).

Each file under selftests/hw2/variants/problemN/ is appended to the reference's problemN.py (a
later `def` replaces the reference's). Gradings are shared (`selftests/variants.py`): the i-th
variant of every problem goes into one submission, graded once with those problems' checks, and
each part is judged by its problem's variant against the reference graded the same way (5.a
grades allcnn.pt, which these folders do not carry: selftests/hw2/problem5 grades checkpoints).
The gradings go through one long-lived grading process per module (`batch_grader`), as a class
regrade grades; selftests/regrade shows that it grades exactly as `grade` does.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.course import find_assignment
from selftests.grading import REPO, BatchGrader, part_scores
from selftests.variants import count_variants, group_id, judge_group, variant_groups, with_overrides

SETTINGS = find_assignment("hw2").settings
PART_PROBLEMS = {part.label: part.problem for part in SETTINGS.parts}
CODE_PARTS = {part.label: part.problem for part in SETTINGS.parts if part.file.startswith("problem")}
VARIANTS = sorted((Path(__file__).parent / "variants").glob("problem*/*.py"))
REFERENCE = REPO / "reference" / "hw2"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory,
             batch_grader: BatchGrader) -> dict[str, tuple[float, float]]:
    """The reference's part scores when graded like the variants (every problem, no checkpoint)."""
    folder = with_overrides(REFERENCE, tmp_path_factory.mktemp("hw2-baseline") / "submission", {})
    return part_scores(batch_grader.grade(folder, assignment="hw2"))


@pytest.mark.parametrize("group", variant_groups(VARIANTS), ids=group_id)
def test_variants_are_graded_as_expected(group: dict[str, Path], baseline: dict, tmp_path: Path,
                                         batch_grader: BatchGrader) -> None:
    folder = with_overrides(REFERENCE, tmp_path / "submission", group)
    results = batch_grader.grade(folder, assignment="hw2", only=list(group))
    failures = judge_group(results, part_scores(results), baseline, group, PART_PROBLEMS)
    assert not failures, "\n\n".join(failures)


def test_every_part_has_wrong_variants_and_every_problem_correct_ones() -> None:
    """At least two wrong variants aimed at each graded function part, two correct ones per problem."""
    wrong, correct, _ = count_variants(VARIANTS, CODE_PARTS)
    assert all(count >= 2 for count in wrong.values()), f"wrong variants per part: {wrong}"
    assert all(count >= 2 for count in correct.values()), f"correct variants per problem: {correct}"


def test_every_part_has_stubs_that_earn_nothing() -> None:
    """Each graded function part has stubs (a constant, its input, an empty result) that must earn
    0 on it: no check there pays for how a value is computed when the value is wrong."""
    _, _, stubs = count_variants(VARIANTS, CODE_PARTS)
    assert all(count >= 2 for count in stubs.values()), f"stubs that must earn 0, per part: {stubs}"
