"""Results, results.json and the assignment settings: the reporting half of the engine."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import jsonschema
import pytest

from autograder.assignment import AssignmentError, Part, load_assignment
from autograder.course import find_assignment
from autograder.results import (
    OUTPUT_LIMIT, CollectionError, ConfigurationError, LeaderboardEntry, Results, TestResult,
    clean_text, failure_feedback, fallback_document, judge, validate, write_json_atomic,
)
from selftests.engine.awkward import KINDS, PRECIOUS, make_awkward

SETTINGS = Path(__file__).resolve().parents[2] / "tests" / "hw2" / "assignment.toml"
PARTS = (Part("1.b", 2, "problem1", "evaluate"), Part("2.b", 8, "problem2", "optimal_factorization"))


def result(number: str, score: float, max_score: float, output: str = "", **extra) -> TestResult:
    status = "passed" if score == max_score else "failed"
    return TestResult(name=f"a check of {number}", number=number, score=score,
                      max_score=max_score, status=status, output=output, **extra)


# ----------------------------------------------------------------------------- assignment.toml
def test_the_assignment_totals_84_autograded_points() -> None:
    settings = find_assignment().settings
    assert settings.total_points == 84
    assert settings.labels() == ("1.b", "1.c", "1.e", "2.a", "2.b", "2.c", "3.a", "3.b",
                                 "5.a", "5.b", "5.c", "6.a", "6.c")
    assert {part.problem for part in settings.parts_of(["problem5"])} == {"problem5"}
    assert [part.label for part in settings.parts_of(["problem5"])] == ["5.a", "5.b", "5.c"]


@pytest.mark.parametrize("edit, complaint", [
    (('hidden = "visible"', 'hidden = "secret"'), "visibility.hidden"),
    (('label = "1.c"', 'label = "1.b"'), "listed twice"),
    (("points = 3\n", "points = 0\n"), "must be positive"),
    (("points = 3\n", "points = -3\n"), "must be positive"),
    (("call_timeout_s = 60", "call_timout_s = 60"), "call_timeout_s"),
    (('label = "1.c"', 'label = "1 c"'), "not a Gradescope question number"),
    (('file = "problem2"', 'file = "problem9"'), "which \\[\\[files\\]\\] does not list"),
    (("eval_limit = 0", "eval_limit = -1"), "eval_limit"),
])
def test_a_bad_settings_file_is_refused_with_a_clear_error(tmp_path, edit, complaint) -> None:
    old, new = edit
    text = SETTINGS.read_text()
    assert old in text
    bad = tmp_path / "assignment.toml"
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(AssignmentError, match=complaint):
        load_assignment(bad)


def test_a_file_that_is_not_toml_is_refused(tmp_path) -> None:
    bad = tmp_path / "assignment.toml"
    bad.write_text("name = \n")
    with pytest.raises(AssignmentError, match="not valid TOML"):
        load_assignment(bad)


# ----------------------------------------------------------------------------- text shown
def test_clean_text_strips_nul_bytes_escapes_and_caps_length() -> None:
    dirty = "a\x00b\x1b[31mred\x1b[0m \x1b]0;title\x07ok\x07 \ud800x"
    assert clean_text(dirty) == "abred ok ?x"
    long = clean_text("y" * (OUTPUT_LIMIT * 3))
    assert len(long) <= OUTPUT_LIMIT and long.endswith("characters]")


def test_test_outputs_are_cleaned_in_results_json() -> None:
    results = Results(tests=[result("1.b", 0, 2, output="bad\x00\x1b[1m" + "z" * 20_000)])
    output = results.to_gradescope()["tests"][0]["output"]
    assert "\x00" not in output and "\x1b" not in output and len(output) <= OUTPUT_LIMIT


# ----------------------------------------------------------------------------- missing parts
def test_fill_missing_parts_adds_the_shortfall_with_its_cause() -> None:
    results = Results(tests=[result("1.b", 1.5, 1.5)],
                      collection_errors=[CollectionError("hidden/test_problem2.py", "failed to load",
                                                         "problem2")])
    results.fill_missing_parts(PARTS)
    added = {test.number: test for test in results.tests if test.nodeid.startswith("<missing")}
    assert added["1.b"].max_score == pytest.approx(0.5) and added["1.b"].score == 0
    assert added["1.b"].output.startswith("no checks found")
    assert added["2.b"].max_score == 8 and "failed to load" in added["2.b"].output
    assert results.max_score == 10 and results.score == 1.5


def test_fill_missing_parts_adds_nothing_when_every_point_is_collected() -> None:
    thirds = [result("2.b", 0, 2.6667) for _ in range(3)]  # three tests of @weight(8 / 3), rounded
    results = Results(tests=[result("1.b", 2, 2), *thirds])
    results.fill_missing_parts(PARTS)
    assert len(results.tests) == 4


def test_checks_worth_more_than_their_part_are_a_configuration_error() -> None:
    results = Results(tests=[result("1.b", 3, 3)])
    with pytest.raises(ConfigurationError, match="1.b"):
        results.fill_missing_parts(PARTS)


# ----------------------------------------------------------------------------- results.json
def test_results_json_follows_gradescope_and_sums_rounded_scores() -> None:
    results = Results(tests=[result("2.b", 8 / 3, 8 / 3), result("1.b", 0, 2, output="wrong")],
                      leaderboard=[LeaderboardEntry("accuracy", 0.9), LeaderboardEntry("time", 3, "asc")],
                      notes=["problem4.py is not graded"], execution_time=12.345)
    results.fill_missing_parts(PARTS)
    document = results.to_gradescope()
    validate(document)
    assert document["tests"][0]["number"] == "1.b"  # the assignment's part order
    assert document["tests"][1]["score"] == 2.6667
    assert document["score"] == 2.6667
    assert document["stdout_visibility"] == "hidden" and document["output_format"] == "md"
    assert document["leaderboard"][1] == {"name": "time", "value": 3, "order": "asc"}
    assert "problem4.py is not graded" in document["output"]
    assert "| 1.b | evaluate | 0 / 2 | wrong |" in document["output"]
    assert isinstance(document["execution_time"], float)


def test_the_table_names_each_part_and_why_it_lost_points() -> None:
    results = Results(tests=[result("1.b", 2, 2), result("2.b", 4, 8, output="A B is not optimal\nmore")],
                      parts=PARTS)
    lines = results.table().splitlines()
    assert lines[1].split() == ["1.b", "2/2", "all", "checks", "passed"]
    assert lines[2].split()[:2] == ["2.b", "4/8"] and lines[2].endswith("A B is not optimal")
    assert lines[-1].split() == ["total", "6/10"]


@pytest.mark.parametrize("document", [
    {"tests": [{"name": "no score anywhere"}]},
    {"score": 1, "tests": [{"score": 1, "status": "partial"}]},
    {"score": 1, "tests": [{"score": 1, "visibility": "public"}]},
    {"score": 1, "tests": [{"score": 1, "output_format": "markdown"}]},
    {"score": 1, "leaderboard": [{"name": "accuracy"}]},
    {"score": 1, "leaderboard": [{"name": "accuracy", "value": 1, "order": "up"}]},
    {"score": "1"},
    {"score": 1, "max_socre": 2},
])
def test_the_schema_rejects_documents_gradescope_would_not_accept(document) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_the_fallback_document_is_valid() -> None:
    validate(fallback_document("grading did not finish"))


# ----------------------------------------------------------------------------- writing
@pytest.mark.parametrize("kind", KINDS)
def test_write_atomic_replaces_whatever_is_at_the_path(tmp_path, kind) -> None:
    path = tmp_path / "results" / "results.json"
    path.parent.mkdir()
    survivor = make_awkward(kind, path)
    Results(tests=[result("1.b", 2, 2)]).write_atomic(path)
    assert path.is_file() and not path.is_symlink()
    assert json.loads(path.read_text())["score"] == 2
    if survivor is not None:
        assert survivor.read_text() == PRECIOUS
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        ["results.json"] + (["elsewhere.json"] if survivor else []))  # no temporary file left


def test_write_json_atomic_creates_missing_folders(tmp_path) -> None:
    path = tmp_path / "a" / "b" / "results.json"
    write_json_atomic(path, {"score": 0})
    assert json.loads(path.read_text()) == {"score": 0}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


def test_write_json_atomic_refuses_nan(tmp_path) -> None:
    path = tmp_path / "results.json"
    path.write_text("old")
    with pytest.raises(ValueError):
        write_json_atomic(path, {"score": float("nan")})


# ----------------------------------------------------------------------------- judging outcomes
class Skipped(Exception):
    msg = "SECRET skip reason"


def test_a_hidden_skip_gives_no_reason_and_a_public_one_does() -> None:
    outcome = {"skip": ("setup", Skipped())}
    hidden = judge(outcome, fraction=None, hidden=True, hide_errors=None, description="d")
    public = judge(outcome, fraction=None, hidden=False, hide_errors=None, description="d")
    assert (hidden.status, hidden.fraction) == (public.status, public.fraction) == ("failed", 0.0)
    assert "SECRET" not in hidden.output and "SECRET skip reason" in public.output


def test_a_teardown_error_after_a_pass_scores_zero_and_is_logged() -> None:
    verdict = judge({"error": ("teardown", KeyError("SECRET"))}, fraction=0.5, hidden=True,
                    hide_errors=None, description="d")
    assert (verdict.status, verdict.fraction) == ("failed", 0.0)
    assert verdict.output == "internal error in this check; the instructor has been told " \
                             "(in the check's teardown)"
    assert verdict.internal_error == "teardown: KeyError: 'SECRET'"


def test_a_pass_with_partial_credit_is_not_full_marks() -> None:
    assert judge({}, fraction=None, hidden=False, hide_errors=None, description="d").status == "passed"
    verdict = judge({}, fraction=0.25, hidden=False, hide_errors=None, description="d")
    assert (verdict.status, verdict.fraction, verdict.output) == (
        "failed", 0.25, "Partial credit: 25% of this check's points.")


def test_public_detail_is_fenced_so_that_backticks_cannot_break_out() -> None:
    from autograder.checks import CheckFailed

    output = failure_feedback(CheckFailed("wrong", detail="got ```x``` and ````y"), hidden=False,
                              hide_errors=None, description="d")
    assert output == "wrong\n\n`````\ngot ```x``` and ````y\n`````"


# ----------------------------------------------------------------------------- bonus parts
BONUS_PARTS = (Part("1.b", 2, "problem1", "evaluate"),
               Part("B1", 2, "problem1", "log_softmax", bonus=True))


def test_bonus_points_are_shown_apart_from_the_regular_total() -> None:
    results = Results(tests=[result("1.b", 2, 2), result("B1", 0.5, 1), result("B1", 0, 1)],
                      title="Lab")
    results.fill_missing_parts(BONUS_PARTS)
    assert (results.total_points, results.bonus_score, results.bonus_max_score) == (2, 0.5, 2)
    document = results.to_gradescope()
    validate(document)
    assert document["score"] == 2.5 == sum(test["score"] for test in document["tests"])
    summary = document["output"].splitlines()
    assert summary[0] == ("**Lab: autograded score 2.5 / 2**, with 0.5 of 2 bonus points earned "
                          "(extra credit: the parts marked bonus are not in the total of 2)")
    assert "| B1 (bonus) | log_softmax | 0.5 / 2 | " in document["output"]
    assert "| 1.b | evaluate | 2 / 2 | all checks passed |" in document["output"]
    lines = results.table().splitlines()
    assert lines[2].split()[:3] == ["B1", "(bonus)", "0.5/2"]
    assert lines[-1].split()[:2] == ["total", "2.5/2"]
    assert lines[-1].endswith("with 0.5 of 2 bonus points earned (extra credit: the parts marked "
                              "bonus are not in the total of 2)")


def test_a_single_bonus_point_is_singular_and_counts_once_earned() -> None:
    results = Results(tests=[result("1.b", 0, 2), result("B1", 1, 1)], parts=(
        Part("1.b", 2, "problem1", "evaluate"), Part("B1", 1, "problem1", "extra", bonus=True)))
    assert results.score == 1 and results.max_score == 3 and results.total_points == 2
    assert "with 1 of 1 bonus point earned" in results.summary_markdown().splitlines()[0]


def test_without_bonus_parts_nothing_about_bonus_is_said() -> None:
    results = Results(tests=[result("1.b", 2, 2), result("2.b", 0, 8)], parts=PARTS, title="HW")
    assert results.total_points == results.max_score == 10 and results.bonus_max_score == 0
    assert results.summary_markdown().splitlines()[0] == "**HW: autograded score 2 / 10**"
    assert results.table().splitlines()[-1] == "total   2/10"
    assert "bonus" not in results.summary_markdown() + results.table()
