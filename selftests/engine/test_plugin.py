"""The pytest plugin: outcomes become points and feedback as docs/writing-checks.md says.

Each test grades a small fixture suite (selftests/engine/fixtures/) through `grade()`, in this
process, so the plugin runs exactly as it does for a real submission.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import grade as grade_module, plugin
from autograder.course import AssignmentLayout, find_assignment
from autograder.grade import grade
from autograder.fixtures import Oracle, OracleUnavailable, PartialScore
from autograder.results import ConfigurationError, validate

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]


def layout_with_hidden_visibility(hidden: str) -> AssignmentLayout:
    layout = find_assignment()
    settings = layout.settings
    return dataclasses.replace(layout, settings=dataclasses.replace(
        settings, visibility=dataclasses.replace(settings.visibility, hidden=hidden)))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The `outcomes` suite graded once, with hidden checks defaulting to after_due_date."""
    tmp = tmp_path_factory.mktemp("outcomes")
    (tmp / "submission").mkdir()
    layout = layout_with_hidden_visibility("after_due_date")
    real_find = grade_module.find_submission

    def find_with_a_note(root, workdir, *args):
        found = real_find(root, workdir, *args)
        found.notes.append("NOTE-FROM-THE-FINDER")
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grade_module, "find_submission", find_with_a_note)
        patch.setattr(plugin, "find_assignment", lambda name=None, root=None: layout)
        patch.setattr(grade_module, "find_assignment", lambda name=None, root=None: layout)
        results = grade(tmp / "submission", tmp / "results.json", tests_root=FIXTURES / "outcomes")
    text = (tmp / "results.json").read_text()
    document = json.loads(text)
    validate(document)
    tests = {test["name"]: test for test in document["tests"]}
    return results, document, tests, text


def by_part(document: dict, label: str) -> list[dict]:
    return [test for test in document["tests"] if test["number"] == label]


def test_every_part_counts_its_full_points_in_the_maximum(graded) -> None:
    results, document, _, _ = graded
    assert results.max_score == 84
    assert sum(test["max_score"] for test in document["tests"]) == pytest.approx(84)
    assert document["score"] == results.score == pytest.approx(2 + 1.125 + 8 + 20)


def test_a_passing_check_earns_its_weight(graded) -> None:
    test = graded[2]["A check that passes."]
    assert (test["score"], test["max_score"], test["status"]) == (2, 2, "passed")


def test_partial_credit_is_per_case_and_an_error_after_it_scores_zero(graded) -> None:
    tests = graded[2]
    scores = {case: (tests[f"Partial credit per case. [{case}]"]["score"],
                     tests[f"Partial credit per case. [{case}]"]["max_score"])
              for case in ("set-then-fail", "fail-without-set", "set-then-error", "pass")}
    assert scores == {"set-then-fail": (0.375, 0.75), "fail-without-set": (0, 0.75),
                      "set-then-error": (0, 0.75), "pass": (0.75, 0.75)}
    assert "Partial credit kept: 50%" in tests["Partial credit per case. [set-then-fail]"]["output"]
    assert tests["Partial credit per case. [set-then-error]"]["output"].startswith("internal error")


def test_a_skipped_check_scores_zero_and_says_so(graded) -> None:
    test = graded[2]["A check that skips."]
    assert (test["score"], test["max_score"], test["status"]) == (0, 1, "failed")
    assert "did not run (no GPU here)" in test["output"]


def test_a_setup_error_scores_zero_as_an_internal_error(graded) -> None:
    test = graded[2]["A check whose fixture fails."]
    assert (test["score"], test["max_score"]) == (0, 1)
    assert test["output"].startswith("internal error in this check; the instructor has been told")
    assert "a bug in a fixture" not in test["output"]


def test_public_failures_show_message_and_detail_cleaned(graded) -> None:
    tests = graded[2]
    detailed = tests["A public check shows message and detail."]["output"]
    assert detailed.startswith("split_parameters misses a batch-norm layer\n\n")
    assert "expected downsample.1.weight in the first group" in detailed
    assert "\x00" not in detailed and "\x1b" not in detailed
    bare = tests["A public bare assertion."]["output"]
    assert bare.startswith("check failed: A public bare assertion.") and "assert 3 == 4" in bare
    assert tests["A check that hides its errors."]["output"] == "this check failed; no details"


def test_hidden_checks_show_only_the_message(graded) -> None:
    tests = graded[2]
    assert tests["optimal_factorization on a hidden matrix."]["output"] == \
        "f(A, B) is above the optimum on a hidden wide matrix"
    assert tests["optimal_factorization raising on a hidden input."]["output"] == \
        "problem2.optimal_factorization raised ValueError"
    assert tests["Optimal value on a rank-deficient matrix."]["output"] == \
        "hidden check failed: Optimal value on a rank-deficient matrix."


def test_no_hidden_input_or_student_text_reaches_results_json(graded) -> None:
    assert "SECRET" not in graded[3]


def test_hidden_parametrized_cases_split_the_weight_and_are_named_by_position(graded) -> None:
    cases = by_part(graded[1], "2.c")
    assert [test["name"] for test in cases] == [
        f"Another factorization, hidden cases. (case {k} of 3)" for k in (1, 2, 3)]
    assert [test["max_score"] for test in cases] == [2.6667, 2.6667, 2.6666]
    assert sum(test["score"] for test in cases) == pytest.approx(8)


def test_visibility_defaults_by_group_and_the_decorator_wins(graded) -> None:
    document = graded[1]
    assert {test["visibility"] for test in by_part(document, "2.b")} == {"after_due_date"}
    assert {test["visibility"] for test in by_part(document, "1.e")} == {"visible"}
    assert {test["visibility"] for test in by_part(document, "5.a")} == {"after_published"}


def test_test_files_that_fail_to_import_cost_their_parts_with_a_named_cause(graded) -> None:
    document = graded[1]
    for label, points in (("3.a", 2), ("3.b", 4), ("6.a", 5), ("6.c", 3)):
        [missing] = by_part(document, label)
        assert (missing["score"], missing["max_score"]) == (0, points)
        assert missing["output"].startswith("checks of this part could not be loaded")
    assert "hidden/test_problem3.py" in by_part(document, "3.a")[0]["output"]
    assert "No module named 'autograder.no_such_module'" in by_part(document, "6.c")[0]["output"]
    [no_checks] = by_part(document, "5.b")
    assert no_checks["output"].startswith("no checks found")


def test_feedback_notes_and_figures_reach_the_result_passed_or_failed(graded) -> None:
    tests = graded[2]
    passed = tests["Notes and a figure on a pass."]
    assert (passed["status"], passed["output_format"]) == ("passed", "html")
    assert "NOTE-ON-A-PASS with &lt;b&gt;markup&lt;/b&gt; and <code>code</code>" in passed["output"]
    assert '<img src="data:image/png;base64,iVBORw0KGgo' in passed["output"]
    assert 'alt="ALT-TEXT"' in passed["output"]
    failed = tests["A note follows the failure message."]
    assert (failed["status"], failed["output_format"]) == ("failed", "md")
    assert failed["output"] == "MESSAGE-FIRST\n\nNOTE-AFTER-THE-FAILURE"


def test_the_leaderboard_and_summary_are_reported(graded) -> None:
    document = graded[1]
    assert document["leaderboard"] == [{"name": "clean accuracy", "value": 0.91, "order": "desc"}]
    assert "| 2.c | another_factorization | 8 / 8 | all checks passed |" in document["output"]
    assert "NOTE-FROM-THE-FINDER" in document["output"]


# ----------------------------------------------------------------------------- configuration
@pytest.mark.parametrize("suite, complaints", [
    ("misconfigured", ["test_without_number: missing @number", "test_without_weight: missing @weight",
                       "test_unknown_part: @number('9.z') is not a part",
                       "test_score_without_partial_credit: uses the `score` fixture"]),
    ("overweight", ["part 1.b are worth 3 points, more than its 2"]),
])
def test_misconfigured_checks_stop_grading_loudly_with_a_valid_placeholder(tmp_path, suite,
                                                                            complaints) -> None:
    (tmp_path / "submission").mkdir()
    results_path = tmp_path / "results.json"
    with pytest.raises(ConfigurationError) as raised:
        grade(tmp_path / "submission", results_path, tests_root=FIXTURES / suite)
    for complaint in complaints:
        assert complaint in str(raised.value)
    document = json.loads(results_path.read_text())
    validate(document)
    assert document["score"] == 0 and "autograder itself failed" in document["output"]


# ----------------------------------------------------------------------------- session fixtures
def test_student_submission_oracle_and_options_fixtures(tmp_path) -> None:
    (tmp_path / "submission").mkdir()
    results = grade(tmp_path / "submission", tmp_path / "results.json", tests_root=FIXTURES / "seams",
                    data_dir=tmp_path / "data-folder", device="cpu", eval_limit=7,
                    only=["problem1", "problem2"])
    tests = {test.name: test for test in results.tests}
    missing = tests["evaluate runs on the student's code."]
    assert missing.score == 0 and "problem1.py" in missing.output and "not found" in missing.output
    assert tests["The options reach the checks."].status == "passed"
    assert tests["The reference solution is reachable."].status == "passed"
    assert {test.number for test in results.tests} <= {"1.b", "1.c", "1.e", "2.a", "2.b", "2.c"}
    assert results.max_score == 2 + 3 + 5 + 4 + 8 + 8


def test_the_oracle_is_a_clear_error_without_the_reference_folder(tmp_path) -> None:
    with pytest.raises(OracleUnavailable, match="student handout"):
        Oracle(tmp_path / "reference")
    (tmp_path / "reference").mkdir()
    with pytest.raises(OracleUnavailable, match="problem9.py"):
        Oracle(tmp_path / "reference").problem9


@pytest.mark.parametrize("fraction", [-0.1, 1.5, float("nan"), True, "0.5"])
def test_partial_score_refuses_anything_but_a_fraction(fraction) -> None:
    with pytest.raises(ValueError):
        PartialScore(None).set(fraction)


def test_a_plain_pytest_run_can_write_results_json(tmp_path) -> None:
    """`pytest --results-json` (no grade()) reports the checks it ran, and only those."""
    ini = tmp_path / "pytest.ini"
    ini.write_text("[pytest]\n")
    (tmp_path / "submission").mkdir()
    suite = FIXTURES / "tiny"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "autograder.plugin", "-p", "no:cacheprovider", "-q",
         "-c", str(ini), f"--rootdir={suite.parent}", f"--confcutdir={suite}",
         "--import-mode=importlib", f"--submission={tmp_path / 'submission'}",
         f"--results-json={tmp_path / 'results.json'}", str(suite / "public")],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 1, completed.stdout + completed.stderr  # a check fails
    summary = completed.stdout[completed.stdout.index("autograder: scores"):].splitlines()[1:5]
    assert [line.split()[:2] for line in summary] == [
        ["part", "score"], ["1.b", "2/2"], ["2.a", "0/4"], ["total", "2/6"]]
    document = json.loads((tmp_path / "results.json").read_text())
    validate(document)
    assert [(test["number"], test["score"]) for test in document["tests"]] == [("1.b", 2), ("2.a", 0)]
    assert document["score"] == 2
