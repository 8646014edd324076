"""HW4: the reference (with a checkpoint trained by its own recipe) earns every point, bonus
included; the untouched template earns none and grading completes; the table shows every part."""
from __future__ import annotations

import shutil

import pytest

from autograder.course import find_assignment
from selftests.grading import REPO, failing_outputs, grade_folder, part_scores

SETTINGS = find_assignment("hw4").settings
POINTS = {part.label: part.points for part in SETTINGS.parts}
CHECKPOINT = REPO / "selftests" / "data" / "fashion_cifar_net.pt"  # reference/hw4/train_cifar_net.py
DATA = ("--data", str(REPO / "selftests" / "data" / "fashion_small"))


@pytest.fixture(scope="module")
def reference_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("hw4-ref") / "submission"
    shutil.copytree(REPO / "reference" / "hw4", folder, ignore=shutil.ignore_patterns("__pycache__", "train_*"))
    shutil.copy(CHECKPOINT, folder / "cifar_net.pth")  # the course notebook's name: an alias
    return grade_folder(folder, folder.parent / "results.json", "--assignment", "hw4", *DATA)


@pytest.fixture(scope="module")
def template_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("hw4-tpl")
    return grade_folder(REPO / "student_template" / "hw4", out / "results.json", "--assignment", "hw4", *DATA)


def test_the_contract_points() -> None:
    assert len(POINTS) == 17
    assert SETTINGS.total_points == 45 and SETTINGS.bonus_points == 9
    assert {part.label for part in SETTINGS.parts if part.bonus} == {"3.1", "3.2", "3.3"}


@pytest.mark.parametrize("which", ["reference_results", "template_results"])
def test_part_maxima_match_the_contract(which: str, request: pytest.FixtureRequest) -> None:
    results = request.getfixturevalue(which)
    assert {label: top for label, (_, top) in part_scores(results).items()} == POINTS


def test_reference_earns_every_point(reference_results: dict) -> None:
    parts = part_scores(reference_results)
    lost = {label: score for label, score in parts.items() if score[0] != score[1]}
    assert not lost, "\n".join(f"{label} {score}: {failing_outputs(reference_results, label)}"
                               for label, score in lost.items())
    assert reference_results["score"] == 54


def test_template_earns_nothing(template_results: dict) -> None:
    parts = part_scores(template_results)
    assert all(score == 0 for score, _ in parts.values()), parts
    assert template_results["score"] == 0
    outputs = [t["output"] for t in template_results["tests"] if t["number"] in ("1.1", "7", "9.b")]
    assert outputs and all("not implemented" in text.lower() for text in outputs), outputs


def test_the_table_names_every_part_and_the_bonus(reference_results: dict) -> None:
    table = reference_results["_stdout"]
    assert all(label in table for label in POINTS)
    assert "bonus" in table.lower()
