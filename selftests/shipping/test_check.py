"""`python -m autograder check` and plain `pytest`, run by a student in the unpacked handout.

The handout holds no reference and no hidden check, so these runs also prove that `check` needs
neither. The template is "filled in" with the reference's files and a checkpoint that scores 100%
on a small CIFAR-format test batch; every public point must then be earned.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import find_assignment
from autograder.local_check import _explain_missing_data, _set_aside_hidden_points, save_figures
from autograder.feedback import Figure
from autograder.results import CollectionError, Results, TestResult

REPO = Path(__file__).resolve().parents[2]
SETTINGS = find_assignment("hw2").settings


@pytest.fixture(scope="module")
def filled_handout(built, scored_checkpoint, tmp_path_factory) -> Path:
    from autograder.rehearse import unpack

    destination = tmp_path_factory.mktemp("student")
    unpack(built.handout_zip, destination)
    folder = destination / SETTINGS.handout_folder
    for path in (REPO / "reference" / "hw2").glob("problem*.py"):
        shutil.copy(path, folder / path.name)
    shutil.copy(scored_checkpoint[0], folder / "allcnn.pt")
    return folder


@pytest.fixture(scope="module")
def checked(filled_handout, scored_checkpoint) -> tuple[subprocess.CompletedProcess, dict]:
    results = filled_handout.parent / "check-results.json"
    completed = subprocess.run(
        [sys.executable, "-m", "autograder", "check", "--data", str(scored_checkpoint[1]),
         "--results", str(results)],
        cwd=filled_handout, capture_output=True, text=True, timeout=1200)
    assert completed.returncode == 0, completed.stdout + completed.stderr[-4000:]
    return completed, json.loads(results.read_text())


def test_the_handout_has_no_reference_and_no_hidden_checks(filled_handout) -> None:
    assert not (filled_handout / "reference").exists()
    assert not list((filled_handout / "tests").glob("*/hidden"))


def test_check_earns_every_public_point_of_a_filled_template(checked) -> None:
    _, results = checked
    lost = [(t["number"], t["name"], t["output"][:300]) for t in results["tests"]
            if t["score"] < t["max_score"]]
    assert not lost
    assert {t["number"] for t in results["tests"]} == set(SETTINGS.labels())
    assert results["score"] == pytest.approx(sum(t["max_score"] for t in results["tests"]))


def test_check_prints_the_table_and_what_hidden_checks_remain(checked) -> None:
    completed, results = checked
    lines = completed.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split() == ["part", "score", "result"])
    rows = {line.split()[0]: line.split()[1] for line in lines[header + 1:] if line.strip()
            and line.split()[0] in (*SETTINGS.labels(), "total")}
    assert set(rows) == {*SETTINGS.labels(), "total"}
    public_max = {label: sum(t["max_score"] for t in results["tests"] if t["number"] == label)
                  for label in SETTINGS.labels()}
    to_come = completed.stdout.split("Still to come on Gradescope", 1)[1]
    for part in SETTINGS.parts:
        hidden = part.points - public_max[part.label]
        assert (f"- {part.label} " in to_come) == (hidden > 1e-6), part.label
    assert "not scored here" not in completed.stdout


def test_check_saves_the_loss_curve_plot_and_says_where(checked, filled_handout) -> None:
    completed, _ = checked
    figure = Path("check-figures") / "5.b-loss-curve.png"
    assert f"- {figure}" in completed.stdout.split("Figures from the checks", 1)[1]
    assert (filled_handout / figure).read_bytes().startswith(b"\x89PNG")


def test_plain_pytest_runs_the_public_checks_in_the_handout(filled_handout) -> None:
    script = Path(sys.executable).parent / "pytest"  # the `pytest` command, not `python -m`
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "pytest"]
    completed = subprocess.run([*command, "tests/hw2/public/test_problem6.py"],
                               cwd=filled_handout, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    assert "autograder: scores" in completed.stdout
    table = completed.stdout.split("autograder: scores", 1)[1]
    assert "6.a" in table and "6.c" in table and "1.b" not in table


# ------------------------------------------------------------------------------ the bookkeeping
def _results(*tests: TestResult, errors: tuple[CollectionError, ...] = ()) -> Results:
    return Results(tests=list(tests), collection_errors=list(errors), parts=SETTINGS.parts)


def _stand_in(label: str, points: float) -> TestResult:
    return TestResult(name=f"{label}: checks that did not run", number=label, score=0,
                      max_score=points, status="failed", output="no checks found",
                      nodeid=f"<missing {label}>")


def test_points_only_hidden_checks_earn_are_set_aside() -> None:
    public = TestResult("a check", "6.c", 1.5, 1.5, "passed", nodeid="tests/hw2/public/x.py::t")
    results = _results(public, _stand_in("6.c", 1.5))
    to_come = _set_aside_hidden_points(results, SETTINGS.parts)
    assert [(part.label, points) for part, points in to_come] == [("6.c", 1.5)]
    assert results.tests == [public] and results.score == results.max_score == 1.5


def test_a_public_file_that_failed_to_load_still_costs_its_points() -> None:
    error = CollectionError("tests/hw2/public/test_problem6.py", "failed to load", "problem6")
    results = _results(_stand_in("6.c", 3), _stand_in("2.b", 8), errors=(error,))
    to_come = _set_aside_hidden_points(results, SETTINGS.parts)
    assert [part.label for part, _ in to_come] == ["2.b"]
    assert [test.number for test in results.tests] == ["6.c"]


def test_missing_data_is_explained_to_the_student() -> None:
    message = "the CIFAR-10 test set is not available to the grader, so ... tell the course staff"
    unreadable = TestResult("5.a", "5.a", 0, 20, "failed", output=message,
                            unscored="no CIFAR-10 test set was found (use --data DIR)")
    broken = TestResult("5.a", "5.a", 0, 0, "failed", output="allcnn.pt cannot be used: empty")
    results = _results(unreadable, broken)
    _explain_missing_data(results)
    assert "--data" in unreadable.output and "course staff" not in unreadable.output
    assert broken.output.startswith("allcnn.pt cannot be used")


def test_figures_with_the_same_name_are_saved_side_by_side(tmp_path) -> None:
    png = b"\x89PNG\r\n\x1a\n"
    tests = [TestResult(f"t{k}", "5.b", 1, 1, "passed", figures=(Figure(png, "alt", "curve"),))
             for k in range(2)]
    saved = save_figures(_results(*tests), tmp_path / "figures")
    assert [path.name for path in saved] == ["curve.png", "curve-2.png"]
    assert save_figures(_results(), tmp_path / "none") == [] and not (tmp_path / "none").exists()
