"""`grade()` and `python -m autograder grade`: results.json is valid whatever happens."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import cli, grade as grade_module
from autograder.grade import grade
from autograder.results import validate
from selftests.engine.awkward import KINDS, PRECIOUS, make_awkward

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]


def read_valid(path: Path) -> dict:
    document = json.loads(path.read_text())
    validate(document)
    return document


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "submission").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(tmp_path / "submission"),
         "--results", str(tmp_path / "results.json"), *args],
        cwd=REPO, capture_output=True, text=True, timeout=300)


# ----------------------------------------------------------------------------- command line
def test_cli_prints_only_the_table_and_exits_0_when_checks_fail(tmp_path) -> None:
    completed = run_cli(tmp_path, "--tests", str(FIXTURES / "tiny"))
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = completed.stdout.splitlines()
    assert lines[0].split() == ["part", "score", "result"]
    assert lines[1].split() == ["1.b", "2/2", "all", "checks", "passed"]
    assert lines[4].split()[:2] == ["2.a", "0/4"] and "check failed: A check that fails." in lines[4]
    assert lines[-1].split() == ["total", "2/84"]
    assert len(lines) == 1 + 13 + 1  # header, the 13 parts, total: pytest's output went to stderr
    assert "1 failed, 1 passed" in completed.stderr
    assert read_valid(tmp_path / "results.json")["score"] == 2


def test_a_killed_grading_process_leaves_the_valid_placeholder(tmp_path) -> None:
    completed = run_cli(tmp_path, "--tests", str(FIXTURES / "crash"))
    assert completed.returncode == 3  # the check's os._exit(3)
    document = read_valid(tmp_path / "results.json")
    assert document["score"] == 0 and "did not finish" in document["output"]


def test_a_grader_failure_exits_nonzero_with_a_valid_placeholder(tmp_path) -> None:
    completed = run_cli(tmp_path, "--tests", str(FIXTURES / "misconfigured"))
    assert completed.returncode == 1
    assert "missing @number" in completed.stderr and completed.stdout == ""
    document = read_valid(tmp_path / "results.json")
    assert document["score"] == 0 and "autograder itself failed" in document["output"]


def test_cli_without_a_command_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main([])
    assert raised.value.code == 2
    with pytest.raises(SystemExit):
        cli.main(["grade", "x", "--device", "tpu"])
    assert "invalid choice" in capsys.readouterr().err


# ----------------------------------------------------------------------------- grade()
def test_only_grades_the_named_problems(tmp_path) -> None:
    (tmp_path / "submission").mkdir()
    results = grade(tmp_path / "submission", tmp_path / "results.json",
                    tests_root=FIXTURES / "outcomes", only=["problem2"])
    assert {test.number for test in results.tests} == {"2.a", "2.b", "2.c"}
    assert results.max_score == 20 and results.score == 8
    assert read_valid(tmp_path / "results.json")["score"] == 8


def test_only_a_problem_without_checks_reports_them_missing(tmp_path) -> None:
    (tmp_path / "submission").mkdir()
    results = grade(tmp_path / "submission", tmp_path / "results.json",
                    tests_root=FIXTURES / "tiny", only=["problem6"])
    assert [(test.number, test.max_score, test.score) for test in results.tests] == [
        ("6.a", 5, 0), ("6.c", 3, 0)]


def test_the_placeholder_is_written_before_grading_starts(tmp_path, monkeypatch) -> None:
    results_path = tmp_path / "results.json"
    results_path.write_text("stale results of another submission")
    seen = {}

    def crash(*args, **kwargs):
        seen["during"] = read_valid(results_path)
        raise RuntimeError("the grader broke")

    monkeypatch.setattr(grade_module, "_run_pytest", crash)
    (tmp_path / "submission").mkdir()
    with pytest.raises(RuntimeError, match="the grader broke"):
        grade(tmp_path / "submission", results_path, tests_root=FIXTURES / "tiny")
    assert seen["during"]["score"] == 0 and "did not finish" in seen["during"]["output"]
    after = read_valid(results_path)
    assert after["score"] == 0 and "RuntimeError: the grader broke" in after["output"]


@pytest.mark.parametrize("bad", [{"only": ["problem2; rm -rf /"]}, {"device": "tpu"}])
def test_bad_arguments_still_leave_a_valid_results_json(tmp_path, bad) -> None:
    (tmp_path / "submission").mkdir()
    with pytest.raises(ValueError):
        grade(tmp_path / "submission", tmp_path / "results.json", tests_root=FIXTURES / "tiny", **bad)
    assert read_valid(tmp_path / "results.json")["score"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_whatever_was_at_the_results_path_is_replaced(tmp_path, kind) -> None:
    results_path = tmp_path / "out" / "results.json"
    results_path.parent.mkdir()
    target = make_awkward(kind, results_path)
    (tmp_path / "submission").mkdir()
    grade(tmp_path / "submission", results_path, tests_root=FIXTURES / "tiny", only=["problem1"])
    assert results_path.is_file() and not results_path.is_symlink()
    document = read_valid(results_path)
    assert document["score"] == 2 and sum(t["max_score"] for t in document["tests"]) == 10
    if target is not None:
        assert target.read_text() == PRECIOUS


def test_grading_twice_in_one_process_reloads_the_checks(tmp_path) -> None:
    (tmp_path / "submission").mkdir()
    first = grade(tmp_path / "submission", tmp_path / "a.json", tests_root=FIXTURES / "tiny")
    second = grade(tmp_path / "submission", tmp_path / "b.json", tests_root=FIXTURES / "tiny")
    assert first.score == second.score == 2 and first.max_score == second.max_score == 84
    assert not [name for name in sys.modules if name.startswith("tiny.")]
