"""Gradescope rehearsals of the built autograder.zip: the reference earns every point, a Colab
notebook that downloads CIFAR-10 and trains at top level is graded from its definitions alone.

The rehearsals link source/.venv to the running environment (`--reuse-venv`) instead of running
setup.sh, which would download PyTorch; everything else is Gradescope's layout and entry point.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.course import find_assignment
from autograder.rehearse import RehearsalError, check_results, rehearse
from autograder.results import fallback_document

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "selftests" / "engine" / "messy" / "pennkey_hw2_problem5.ipynb"
SETTINGS = find_assignment("hw2").settings


def run_rehearsal(zip_path: Path, submission: Path, results: Path, *extra: str) -> tuple[str, dict]:
    completed = subprocess.run(
        [sys.executable, "-m", "autograder", "rehearse", "--zip", str(zip_path), "--reuse-venv",
         sys.prefix, "--results", str(results), *extra, str(submission)],
        cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    assert "results.json is valid" in completed.stdout
    return completed.stdout, json.loads(results.read_text())


def part_totals(results: dict) -> dict[str, tuple[float, float]]:
    totals: dict[str, tuple[float, float]] = {}
    for test in results["tests"]:
        score, maximum = totals.get(test["number"], (0.0, 0.0))
        totals[test["number"]] = (score + test["score"], maximum + test["max_score"])
    return totals


def test_rehearsal_of_the_reference_earns_every_point(built, scored_checkpoint, tmp_path) -> None:
    submission = tmp_path / "reference"
    submission.mkdir()
    for path in (REPO / "reference" / "hw2").glob("problem*.py"):
        shutil.copy(path, submission / path.name)
    shutil.copy(scored_checkpoint[0], submission / "allcnn.pt")
    stdout, results = run_rehearsal(built.autograder_zip, submission, tmp_path / "results.json",
                                    "--data", str(scored_checkpoint[1]))
    lost = {label: total for label, total in part_totals(results).items() if total[0] < total[1]}
    assert not lost, [t["output"][:300] for t in results["tests"] if t["score"] < t["max_score"]]
    assert results["score"] == pytest.approx(SETTINGS.total_points)
    assert "peak memory of all its processes" in stdout
    assert ["total", "84/84"] in [line.split() for line in stdout.splitlines()]
    # as a student reads it: the summary's table, and no grader internals anywhere
    assert "| 5.b | input_gradient, signed_gradient_attack | 10 / 10 | all checks passed |" \
        in results["output"]
    assert not [t for t in results["tests"] if "internal error" in t["output"]]
    assert results["leaderboard"] and {entry["name"] for entry in results["leaderboard"]} >= {
        "Clean accuracy (%)"}


def test_rehearsal_of_a_colab_notebook_grades_its_definitions(built, tmp_path) -> None:
    _, results = run_rehearsal(built.autograder_zip, NOTEBOOK, tmp_path / "results.json")
    totals = part_totals(results)
    assert totals["5.b"] == (10, 10) and totals["5.c"] == (10, 10)
    assert totals["5.a"][0] == 0 and totals["1.b"][0] == 0
    summary = results["output"]
    assert "stands in for problem5.py" in summary and "torchvision.datasets.CIFAR10" in summary
    missing = [t["output"] for t in results["tests"] if t["number"] == "6.c"]
    assert missing and all("problem6.py was not found" in text for text in missing)


def test_results_that_gradescope_would_reject_are_reported(tmp_path) -> None:
    path = tmp_path / "results.json"
    assert check_results(path, SETTINGS)[1][0].startswith("no results.json")
    path.write_text("{not json")
    assert "not valid for Gradescope" in check_results(path, SETTINGS)[1][0]
    path.write_text(json.dumps(fallback_document("did not finish")))
    assert "placeholder" in check_results(path, SETTINGS)[1][0]
    tests = [{"name": part.label, "number": part.label, "score": part.points,
              "max_score": part.points, "output": "", "visibility": "visible"}
             for part in SETTINGS.parts]
    path.write_text(json.dumps({"score": SETTINGS.total_points, "tests": tests}))
    assert check_results(path, SETTINGS)[1] == []
    tests[0]["max_score"] = tests[0]["score"] = 1.0
    path.write_text(json.dumps({"score": SETTINGS.total_points, "tests": tests}))
    problems = check_results(path, SETTINGS)[1]
    assert any("not the sum" in problem for problem in problems)
    assert any(f"part {SETTINGS.parts[0].label} is worth 1" in problem for problem in problems)


def _fake_zip(path: Path, setup: str, run: str) -> Path:
    """A zip with the real settings and the given setup.sh and run_autograder (executable)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in (("setup.sh", setup), ("run_autograder", run)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            archive.writestr(info, text)
        archive.write(REPO / "tests" / "hw2" / "assignment.toml", "tests/hw2/assignment.toml")
        archive.writestr("tests/assignments.toml", 'assignments = ["hw2"]\ndefault = "hw2"\n')
    return path


def test_a_zip_without_run_autograder_is_refused(tmp_path) -> None:
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("setup.sh", "#!/bin/sh\n")
    (tmp_path / "submission").mkdir()
    with pytest.raises(RehearsalError, match="no run_autograder"):
        rehearse(broken, tmp_path / "submission", reuse_venv=Path(sys.prefix))


def test_a_failing_setup_is_reported(tmp_path) -> None:
    zip_path = _fake_zip(tmp_path / "a.zip", "echo 'no network' >&2; exit 3\n", "#!/bin/sh\n")
    (tmp_path / "submission").mkdir()
    with pytest.raises(RehearsalError, match="setup.sh failed with exit status 3:\nno network"):
        rehearse(zip_path, tmp_path / "submission")


def test_a_run_autograder_that_leaves_no_results_is_caught(tmp_path) -> None:
    zip_path = _fake_zip(tmp_path / "a.zip", "exit 0\n", "#!/bin/sh\necho graded nothing\nexit 0\n")
    (tmp_path / "submission").mkdir()
    rehearsal = rehearse(zip_path, tmp_path / "submission", reuse_venv=Path(sys.prefix))
    assert rehearsal.exit_code == 0 and not rehearsal.ok
    assert rehearsal.problems[0].startswith("no results.json") and "graded nothing" in rehearsal.log


def _colab_classifier_notebook(path: Path) -> Path:
    """HW4's classifier the course's way: `PSET4_Classification.ipynb` with the reference's
    definitions, and at top level the pip install, the CIFAR-10 download, two epochs of training
    and the save that a Colab notebook has. Grading must use the definitions and run none of it."""
    definitions = (REPO / "reference" / "hw4" / "problem2.py").read_text()
    cells = [
        "!pip install -q torch torchvision",
        definitions,
        "transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])\n"
        "trainset = torchvision.datasets.CIFAR10(root='./data', train=True, download=True, transform=transform)\n"
        "trainloader = torch.utils.data.DataLoader(trainset, batch_size=4, shuffle=True)",
        "net = Net()\ncriterion = nn.CrossEntropyLoss()\n"
        "optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)\n"
        "for epoch in range(2):\n    print(epoch, train_epoch(net, trainloader, optimizer, criterion))",
        "PATH = './cifar_net.pth'\ntorch.save(net.state_dict(), PATH)",
    ]
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"colab": {"provenance": []}},
                "cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                           "source": cell.splitlines(keepends=True)} for cell in cells]}
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def test_rehearsal_of_hw4_with_its_classifier_notebook_earns_every_point(shipped, tmp_path) -> None:
    """HW4 as Gradescope runs it: the reference's files, problem 2 as the course's notebook that
    trains at top level, and a checkpoint under the notebook's own name (`cifar_net.pth`)."""
    report, _ = shipped("hw4")
    submission = tmp_path / "submission"
    submission.mkdir()
    for path in (REPO / "reference" / "hw4").glob("problem*.py"):
        if path.name != "problem2.py":
            shutil.copy(path, submission / path.name)
    _colab_classifier_notebook(submission / "PSET4_Classification.ipynb")
    shutil.copy(REPO / "selftests" / "data" / "fashion_cifar_net.pt", submission / "cifar_net.pth")
    stdout, results = run_rehearsal(report.autograder_zip, submission, tmp_path / "results.json",
                                    "--data", str(REPO / "selftests" / "data" / "fashion_small"))
    totals = part_totals(results)
    settings = find_assignment("hw4").settings
    lost = {label: total for label, total in totals.items() if total[0] < total[1] - 1e-9}
    assert not lost, [t["output"][:300] for t in results["tests"] if t["score"] < t["max_score"]]
    assert {label: top for label, (_, top) in totals.items()} == pytest.approx(
        {part.label: part.points for part in settings.parts})
    assert results["score"] == pytest.approx(settings.total_points + settings.bonus_points)
    summary = results["output"]
    assert "PSET4_Classification.ipynb" in summary and "torchvision.datasets.CIFAR10" in summary
    assert "bonus" in summary.lower()
