"""The reference earns every point it can; the untouched template earns none and grading completes."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from selftests.grading import REPO, failing_outputs, grade_folder, part_scores

SETTINGS = tomllib.loads((REPO / "tests" / "hw2" / "assignment.toml").read_text())
CONTRACT_POINTS = {part["label"]: part["points"] for part in SETTINGS["parts"]}
# 5.a grades a trained checkpoint on CIFAR-10: the reference folder has code, not a checkpoint;
# selftests/problem5 grades checkpoints on data made for the purpose.
CODE_PARTS = {label for label, part in ((p["label"], p) for p in SETTINGS["parts"])
              if part["file"].startswith("problem")}


@pytest.fixture(scope="module")
def reference_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return grade_folder(REPO / "reference" / "hw2", tmp_path_factory.mktemp("ref") / "results.json")


@pytest.fixture(scope="module")
def template_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return grade_folder(REPO / "student_template" / "hw2", tmp_path_factory.mktemp("tpl") / "results.json")


def test_contract_points_total_84() -> None:
    assert sum(CONTRACT_POINTS.values()) == 84


@pytest.mark.parametrize("which", ["reference_results", "template_results"])
def test_part_maxima_match_the_contract(which: str, request: pytest.FixtureRequest) -> None:
    results = request.getfixturevalue(which)
    assert {label: top for label, (_, top) in part_scores(results).items()} == CONTRACT_POINTS


def test_reference_earns_every_code_part(reference_results: dict) -> None:
    parts = part_scores(reference_results)
    lost = {label: parts[label] for label in CODE_PARTS if parts[label][0] != parts[label][1]}
    assert not lost, "\n".join(f"{label} {score}: {failing_outputs(reference_results, label)}"
                               for label, score in lost.items())


def test_template_earns_nothing(template_results: dict) -> None:
    parts = part_scores(template_results)
    assert all(score == 0 for score, _ in parts.values()), parts
    assert template_results["score"] == 0


def test_template_feedback_says_not_implemented(template_results: dict) -> None:
    outputs = [t["output"] for t in template_results["tests"] if t["number"] in ("2.b", "6.c")]
    assert outputs and all("not implemented" in text.lower() for text in outputs), outputs


def test_grade_prints_a_table(reference_results: dict) -> None:
    table = reference_results["_stdout"]
    for label in CONTRACT_POINTS:
        assert label in table


def test_the_attack_check_plots_the_loss_curve_beside_the_graders(reference_results: dict) -> None:
    [attack] = [t for t in reference_results["tests"]
                if t["number"] == "5.b" and t["name"].startswith("signed_gradient_attack(All-CNN")]
    assert attack["output_format"] == "html"
    assert '<img src="data:image/png;base64,' in attack["output"]
    assert "beside the grader" in attack["output"]
