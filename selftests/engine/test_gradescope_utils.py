"""Checks written with gradescope-utils' own decorators grade exactly like checks written with ours.

Both suites (selftests/engine/fixtures/gsutils/) hold the same checks, one per decorator; each is
graded once through `grade()`, as a real submission would be.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gradescope_utils.autograder_utils import decorators as gs

from autograder.decorators import MetadataError, metadata_of
from autograder.grade import grade
from autograder.results import ConfigurationError, validate

SUITES = Path(__file__).parent / "fixtures" / "gsutils"


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, dict]:
    graded = {}
    for suite in ("gradescope", "ours"):
        tmp = tmp_path_factory.mktemp(suite)
        (tmp / "submission").mkdir()
        grade(tmp / "submission", tmp / "results.json", tests_root=SUITES / suite)
        graded[suite] = json.loads((tmp / "results.json").read_text())
        validate(graded[suite])
    return graded


def entries(document: dict) -> dict[str, dict]:
    return {test["name"]: test for test in document["tests"]}


def test_weight_label_visibility_and_tags_reach_results_json(documents) -> None:
    test = entries(documents["gradescope"])["A tagged check with its own visibility."]
    assert (test["number"], test["score"], test["max_score"], test["status"]) == ("1.b", 2, 2, "passed")
    assert test["visibility"] == "after_due_date"
    assert test["tags"] == ["counting", "resnet"]


def test_hide_errors_shows_only_its_message(documents) -> None:
    test = entries(documents["gradescope"])["A check that hides its errors."]
    assert (test["score"], test["output"]) == (0, "HIDDEN-MESSAGE")
    assert "SECRET" not in json.dumps(documents["gradescope"])


def test_the_leaderboard_column_gets_the_value_through_the_wrapper(documents) -> None:
    document = documents["gradescope"]
    assert document["leaderboard"] == [{"name": "speed", "value": 3.5, "order": "asc"}]
    test = entries(document)["A leaderboard check."]
    assert (test["number"], test["score"], test["max_score"]) == ("1.c", 2, 2)


def test_set_score_counts_points_of_the_weight_and_each_case_starts_clean(documents) -> None:
    tests = entries(documents["gradescope"])
    quarter, untouched = (tests[f"Partial credit in points. [{case}]"]
                          for case in ("quarter", "untouched"))
    assert (quarter["score"], quarter["max_score"], quarter["status"]) == (0.5, 2, "failed")
    assert (untouched["score"], untouched["max_score"], untouched["status"]) == (2, 2, "passed")
    bad = tests["More points than the weight."]
    assert bad["score"] == 0 and bad["output"].startswith("internal error")


def test_the_same_checks_written_with_our_decorators_grade_the_same(documents) -> None:
    ours, theirs = documents["ours"], documents["gradescope"]
    assert ours["tests"] == theirs["tests"]
    assert (ours["leaderboard"], ours["score"]) == (theirs["leaderboard"], theirs["score"])


def test_gradescope_utils_values_are_checked_when_read() -> None:
    def check() -> None:
        """A check."""

    gs.visibility("public")(gs.weight(-1)(gs.tags("")(check)))
    with pytest.raises(MetadataError) as raised:
        metadata_of(check)
    problems = raised.value.problems
    assert len(problems) == 3
    assert all(word in problem for word, problem in zip(("weight", "visibility", "tags"), problems))
    with pytest.raises(MetadataError, match="order"):
        metadata_of(gs.leaderboard("col", "up")(lambda: None))


def test_gradescope_utils_partial_credit_is_partial_credit() -> None:
    def check(set_score=None) -> None:
        """A check."""

    meta = metadata_of(gs.number("1.b")(gs.partial_credit(3)(check)))
    assert (meta.partial_credit, meta.weight, meta.number) == (True, 3, "1.b")
    assert not metadata_of(gs.weight(3)(lambda: None)).partial_credit


def test_a_bad_gradescope_utils_value_stops_grading_loudly(tmp_path) -> None:
    suite = tmp_path / "suite" / "public"
    suite.mkdir(parents=True)
    (suite / "test_problem1.py").write_text(
        "from gradescope_utils.autograder_utils.decorators import number, visibility, weight\n\n"
        "@number('1.b')\n@weight(2)\n@visibility('public')\ndef test_check():\n    '''A check.'''\n")
    (tmp_path / "submission").mkdir()
    with pytest.raises(ConfigurationError, match="visibility must be one of"):
        grade(tmp_path / "submission", tmp_path / "results.json", tests_root=suite.parent)
    validate(json.loads((tmp_path / "results.json").read_text()))
