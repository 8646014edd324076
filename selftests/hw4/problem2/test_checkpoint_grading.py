"""2.4's checkpoint end to end: the tutorial Net trained by the reference recipe
(reference/hw4/train_cifar_net.py, scaled down on Fashion-MNIST in CIFAR-10's layout:
selftests/data/fashion_cifar_net.pt) is read in the worker and scored in the grader on the
self-test images of selftests/data/fashion_small.

The trained checkpoint earns the 3 points; every layout HW2 accepts scores the same (a plain state
dict as the notebook saves it, {"state_dict": ...}, {"model_state_dict": ...}, a DataParallel
"module." prefix, the notebook's name cifar_net.pth); an untrained Net earns 0; the wrong
architecture (HW2's All-CNN, Net with 3 x 3 kernels) is refused with a message naming the keys and
shapes; a pickled payload is refused without running; missing data scores 0 with a message for
the staff; --eval-limit is stated in the feedback.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from autograder.boundary.student import Student
from autograder.boundary.submission import find_submission
from autograder.course import find_assignment
from autograder.deeplearning import models
from autograder.deeplearning.adversarial import credit_fraction, evaluate
from autograder.deeplearning.allcnn import AllCNN
from autograder.deeplearning.checkpoint import read_checkpoint
from autograder.deeplearning.cifar import load_test_set
from tests.hw4.checkpoint_grading import load_into_net, score_checkpoint, tutorial_net
from tests.hw4.settings import CHECKPOINT_RULE

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "selftests" / "data"
TRAINED = DATA / "fashion_cifar_net.pt"
FASHION = DATA / "fashion_small"
SETTINGS = find_assignment("hw4").settings
HW4_FILES = (SETTINGS.files, SETTINGS.notebook_hint)
FULL, ZERO = CHECKPOINT_RULE.full_credit_accuracy, CHECKPOINT_RULE.zero_credit_accuracy


def score_file(tmp_path: Path, write, name: str = "cifar_net.pt", data_dir: Path = FASHION,
               limit: int = 0):
    """Put a checkpoint in a fresh submission and score it the way the 2.4 check does."""
    folder = tmp_path / "submission"
    folder.mkdir()
    write(folder / name)
    student = Student(find_submission(folder, tmp_path / "work", *HW4_FILES))
    try:
        return score_checkpoint(student, SimpleNamespace(data_dir=data_dir, eval_limit=limit,
                                                         device="cpu"))
    finally:
        student.close()


def trained_state() -> dict[str, torch.Tensor]:
    return torch.load(TRAINED, weights_only=True)


@pytest.fixture(scope="module")
def trained_accuracy() -> float:
    """The committed checkpoint's accuracy on the self-test images, computed directly."""
    model = load_into_net(read_checkpoint(TRAINED, max_bytes=20_000_000))
    split = load_test_set(FASHION)
    return evaluate(model, split.images, split.labels, None, device="cpu").clean_accuracy


def test_committed_checkpoint_is_the_tutorial_net_and_learned(trained_accuracy) -> None:
    state = trained_state()
    expected = models.build_model(tutorial_net()).state_dict()
    assert {k: tuple(v.shape) for k, v in state.items()} == {k: tuple(v.shape) for k, v in expected.items()}
    assert sum(v.numel() for v in state.values()) == 62_006
    assert TRAINED.stat().st_size < 300_000
    assert trained_accuracy >= 0.8 > FULL, trained_accuracy


def test_graded_with_all_three_points(tmp_path, trained_accuracy) -> None:
    """The real check, run by pytest with the plugin: 3 points, the rule and the notes shown."""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "cifar_net.pt").write_bytes(TRAINED.read_bytes())
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/hw4/public/test_problem2.py", "-k", "checkpoint", "-q",
         "-p", "no:cacheprovider", "--submission", str(folder), "--data", str(FASHION),
         "--eval-limit", "200", "--device", "cpu", "--results-json", str(results)],
        cwd=REPO, capture_output=True, text=True, timeout=900, check=False)
    data = json.loads(results.read_text())
    tests = [t for t in data["tests"] if t["number"] == "2.4"]
    assert len(tests) == 1, completed.stdout[-3000:]
    [test] = tests
    assert test["score"] == pytest.approx(3.0) and test["max_score"] == 3.0, test
    assert "first 200 test images" in test["output"] and "not the official" in test["output"]
    assert "linear in between" in test["output"] and "(0.5, 0.5, 0.5)" in test["output"]


def save_plain(path: Path) -> None:
    torch.save(trained_state(), path)  # the notebook's torch.save(net.state_dict(), PATH)


@pytest.mark.parametrize("layout, name, write", [
    ("plain state dict", "cifar_net.pt", save_plain),
    ("the notebook's name", "cifar_net.pth", save_plain),
    ("state_dict key", "cifar_net.pt", lambda p: torch.save({"state_dict": trained_state()}, p)),
    ("model_state_dict with epoch", "cifar_net.pt",
     lambda p: torch.save({"model_state_dict": trained_state(), "epoch": 2, "loss": 0.43}, p)),
    ("DataParallel prefix", "cifar_net.pt",
     lambda p: torch.save({f"module.{k}": v for k, v in trained_state().items()}, p)),
])
def test_every_layout_scores_the_same(tmp_path, trained_accuracy, layout, name, write) -> None:
    scored = score_file(tmp_path, write, name=name)
    assert scored.failure is None, (layout, scored.failure)
    assert scored.result.clean_accuracy == trained_accuracy, layout
    if layout == "DataParallel prefix":
        assert any("module." in note for note in scored.notes), scored.notes


def test_untrained_net_earns_nothing(tmp_path) -> None:
    def write(path: Path) -> None:
        torch.manual_seed(0)
        torch.save(models.build_model(tutorial_net(seed=0)).state_dict(), path)

    scored = score_file(tmp_path, write)
    assert scored.failure is None
    assert scored.result.clean_accuracy <= ZERO
    assert credit_fraction(scored.result.clean_accuracy, FULL, ZERO) == 0


def test_allcnn_is_refused_naming_keys(tmp_path) -> None:
    scored = score_file(tmp_path, lambda p: torch.save(AllCNN(c1=8, c2=8).state_dict(), p))
    assert scored.result is None
    message = scored.failure.message
    assert "cannot be used" in message and "the tutorial's Net" in message
    assert "missing key(s), e.g. conv1.weight" in message and "unexpected key(s), e.g. m." in message


def test_net_with_3x3_kernels_is_refused_naming_shapes(tmp_path) -> None:
    scored = score_file(tmp_path, lambda p: torch.save(
        models.build_model(tutorial_net(seed=0, k=3)).state_dict(), p))
    assert scored.result is None
    message = scored.failure.message
    assert "conv1.weight: (6, 3, 3, 3) instead of (6, 3, 5, 5)" in message, message
    assert "fc1.weight: (120, 576) instead of (120, 400)" in message, message


class RunsCode:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_pickled_payload_is_refused_without_running(tmp_path) -> None:
    marker = tmp_path / "ran"
    scored = score_file(tmp_path, lambda p: torch.save({"state_dict": RunsCode(marker)}, p))
    assert scored.result is None and "without running code" in scored.failure.message
    assert not marker.exists()


def test_missing_checkpoint_scores_zero_with_a_message(tmp_path) -> None:
    scored = score_file(tmp_path, lambda p: (p.parent / "notes.txt").write_text("no checkpoint"))
    assert scored.result is None and "cifar_net.pt" in scored.failure.message


def test_missing_data_scores_zero_with_instructions(tmp_path) -> None:
    empty = tmp_path / "no-data"
    empty.mkdir()
    scored = score_file(tmp_path, save_plain, data_dir=empty)
    assert scored.result is None
    assert "not available to the grader" in scored.failure.message
