"""5.a end to end: checkpoints of a model that really learned (Fashion-MNIST in CIFAR's layout,
made by scripts/train_fashion_checkpoint.py) are read in the worker and scored in the grader.

A trained checkpoint earns the points its accuracy deserves, on the leaderboard too; the same
weights saved from DataParallel with mean/std score the same; a random initialisation earns 0; a
pickled payload is refused without running; missing data scores 0 with a message for the staff;
a model whose running statistics are off gets a diagnostic. Subsets keep this cheap.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from autograder.deeplearning.adversarial import EPS_8_OF_255, evaluate
from autograder.deeplearning.allcnn import AllCNN
from tests.hw2.settings import CHECKPOINT_RULE
from autograder.deeplearning.checkpoint import load_into_allcnn, read_checkpoint
from autograder.deeplearning.cifar import load_test_set
from autograder.boundary.student import Student
from autograder.boundary.submission import find_submission
from selftests.grading import HW2_FILES
from autograder.deeplearning.adversarial import credit_fraction
from tests.hw2.checkpoint_grading import score_checkpoint

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "selftests" / "data"
TRAINED = DATA / "fashion_allcnn.pt"
FASHION = DATA / "fashion_small"
LIMIT = 100
SETTINGS = CHECKPOINT_RULE


def score_file(tmp_path: Path, write, data_dir: Path = FASHION, limit: int = LIMIT):
    """Put a checkpoint in a fresh submission and score it the way the 5.a checks do."""
    folder = tmp_path / "submission"
    folder.mkdir()
    write(folder / "allcnn.pt")
    student = Student(find_submission(folder, tmp_path / "work", *HW2_FILES))
    try:
        return score_checkpoint(student, SimpleNamespace(data_dir=data_dir, eval_limit=limit,
                                                         device="cpu"))
    finally:
        student.close()


@pytest.fixture(scope="module")
def trained_accuracy() -> tuple[float, float]:
    """Clean and FGSM accuracy of the committed checkpoint on the subset, computed directly."""
    model = load_into_allcnn(read_checkpoint(TRAINED, max_bytes=50_000_000))
    split = load_test_set(FASHION, LIMIT)
    result = evaluate(model, split.images, split.labels, EPS_8_OF_255, device="cpu")
    return result.clean_accuracy, result.adversarial_accuracy


def test_trained_checkpoint_learned_and_fgsm_hurts(trained_accuracy) -> None:
    clean, adversarial = trained_accuracy
    assert clean >= 0.8, clean
    assert adversarial <= clean - 0.3, (clean, adversarial)


def test_graded_like_its_accuracy_with_leaderboard(tmp_path, trained_accuracy) -> None:
    """The real check, run by pytest with the plugin: partial credit and both leaderboard values."""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "allcnn.pt").write_bytes(TRAINED.read_bytes())
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/hw2/public/test_problem5.py", "-k", "checkpoint", "-q",
         "-p", "no:cacheprovider", "--submission", str(folder), "--data", str(FASHION),
         "--eval-limit", str(LIMIT), "--device", "cpu", "--results-json", str(results)],
        cwd=REPO, capture_output=True, text=True, timeout=900)
    data = json.loads(results.read_text())
    tests = {t["name"]: t for t in data["tests"] if t["number"] == "5.a"}
    assert len(tests) == 2, completed.stdout[-3000:]
    clean, adversarial = trained_accuracy
    expected = 20 * credit_fraction(clean, SETTINGS.full_credit_accuracy, SETTINGS.zero_credit_accuracy)
    assert sum(t["score"] for t in tests.values()) == pytest.approx(expected, abs=1e-3)
    output = "\n".join(t.get("output", "") for t in tests.values())
    assert f"first {LIMIT} test images" in output and "not the official" in output
    assert "linear in between" in output
    board = {entry["name"]: entry["value"] for entry in data["leaderboard"]}
    assert board["Clean accuracy (%)"] == pytest.approx(100 * clean, abs=0.01)
    assert board["FGSM accuracy, eps=8/255 (%)"] == pytest.approx(100 * adversarial, abs=0.01)


def test_data_parallel_with_mean_and_std_scores_the_same(tmp_path, trained_accuracy) -> None:
    original = torch.load(TRAINED, weights_only=True)

    def write(path: Path) -> None:
        torch.save({"model_state_dict": {f"module.{k}": v for k, v in original["state_dict"].items()},
                    "mean": torch.tensor(original["mean"]), "std": tuple(original["std"]),
                    "epoch": 4}, path)

    scored = score_file(tmp_path, write)
    assert scored.failure is None
    assert scored.result.clean_accuracy == trained_accuracy[0]
    assert any("module." in note for note in scored.notes)
    assert not any("lacks the normalization" in note for note in scored.notes)


def test_a_checkpoint_saved_without_its_normalization_is_told_so(tmp_path, trained_accuracy) -> None:
    """Trained on normalized images, saved as a bare state dict: it scores near chance on [0, 1]
    images, and the feedback says what is missing and how to save it."""
    original = torch.load(TRAINED, weights_only=True)
    scored = score_file(tmp_path, lambda path: torch.save(original["state_dict"], path))
    assert scored.result.clean_accuracy < trained_accuracy[0] - 0.2
    warning = [note for note in scored.notes if "lacks the normalization it was trained with" in note]
    assert len(warning) == 1 and "save_checkpoint(model, path, mean, std)" in warning[0]
    assert not any("batch statistics" in note for note in scored.notes)  # not the cause here


def test_random_initialisation_earns_nothing(tmp_path) -> None:
    torch.manual_seed(0)
    scored = score_file(tmp_path, lambda path: torch.save(AllCNN().state_dict(), path))
    accuracy = scored.result.clean_accuracy
    assert accuracy <= SETTINGS.zero_credit_accuracy
    assert credit_fraction(accuracy, SETTINGS.full_credit_accuracy, SETTINGS.zero_credit_accuracy) == 0
    assert any("no 'mean'/'std'" in note for note in scored.notes)
    assert not any("lacks the normalization" in note for note in scored.notes)  # near chance either way


class RunsCode:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_pickled_payload_scores_zero_without_running(tmp_path) -> None:
    marker = tmp_path / "ran"
    scored = score_file(tmp_path, lambda path: torch.save({"state_dict": RunsCode(marker)}, path))
    assert scored.result is None and "without running code" in scored.failure.message
    assert not marker.exists()


def test_missing_data_scores_zero_with_instructions(tmp_path) -> None:
    empty = tmp_path / "no-data"
    empty.mkdir()
    scored = score_file(tmp_path, lambda path: path.write_bytes(TRAINED.read_bytes()), data_dir=empty)
    assert scored.result is None
    assert "not available to the grader" in scored.failure.message and "cifar-10-python.tar.gz" in scored.failure.message


def test_running_statistics_off_gets_a_diagnostic(tmp_path) -> None:
    """Running statistics that do not match the weights (as after training with dropout before
    batch norm): near chance in eval mode, fine with batch statistics."""
    original = torch.load(TRAINED, weights_only=True)
    state = dict(original["state_dict"])
    for name in list(state):
        if name.endswith("running_mean"):
            state[name] = state[name] + 3 * state[name.replace("running_mean", "running_var")].sqrt()

    scored = score_file(tmp_path, lambda path: torch.save({**original, "state_dict": state}, path),
                        limit=100)
    assert scored.result.clean_accuracy < 0.2
    assert any("batch statistics" in note for note in scored.notes), scored.notes
