"""5.a: untrained All-CNNs score exactly 0 points, through the real scoring path.

An untrained All-CNN is not at exactly 10% on a test subset: it mostly predicts a few classes and
scores their share of the subset, plus what its random features pick up (on the Fashion-MNIST
test images of selftests/data/fashion_small, 160 untrained ones reach up to 24% on the first 100;
the measurement is beside `zero_credit_accuracy` in tests/hw2/assignment.toml). The zero point
sits above them with a margin, and this proves it: each checkpoint below is put in a submission,
read in the worker and scored by tests/hw2/checkpoint_grading.py, and its points are what the 5.a
check gives: its weight times `credit_fraction` with the settings' rule. The seeds are the highest
measured of each kind (test_grading_checkpoint.py scores a typical one).
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from autograder.boundary.student import Student
from autograder.boundary.submission import find_submission
from autograder.course import find_assignment
from autograder.deeplearning.adversarial import credit_fraction
from autograder.deeplearning.allcnn import CIFAR10_MEAN, CIFAR10_STD, AllCNN, build_allcnn
from tests.hw2.checkpoint_grading import score_checkpoint
from tests.hw2.public.test_problem5 import test_checkpoint_clean_accuracy as CLEAN_ACCURACY_CHECK
from tests.hw2.settings import CHECKPOINT_RULE

FASHION = Path(__file__).resolve().parents[2] / "data" / "fashion_small"
LIMIT = 100
MARGIN = 0.05  # every untrained network here stays this far below the zero point
NORMALIZATION = {"mean": list(CIFAR10_MEAN), "std": list(CIFAR10_STD)}


def calibrated_normalized(seed: int) -> dict:
    """The grader's seeded All-CNN (running statistics set from images), CIFAR-normalized."""
    return {"state_dict": build_allcnn(seed, CIFAR10_MEAN, CIFAR10_STD).model.state_dict(),
            **NORMALIZATION}


def calibrated_unnormalized(seed: int) -> dict:
    """The same without normalization: the model takes images in [0, 1]."""
    return build_allcnn(seed).state_dict()


def as_constructed(seed: int) -> dict:
    """AllCNN() as a student's notebook builds it, saved before any training, with mean/std."""
    torch.manual_seed(seed)
    return {"state_dict": AllCNN().state_dict(), **NORMALIZATION}


# (how it was made, seeds): on the first 100 images, 21% and 19% (16, 31), 24% and 21% (14, 15),
# 14% (11); most seeds score near 10%.
UNTRAINED = [pytest.param(make, seed, id=f"{make.__name__}-seed{seed}")
             for make, seeds in ((calibrated_normalized, (16, 31)),
                                 (calibrated_unnormalized, (14, 15)),
                                 (as_constructed, (11,)))
             for seed in seeds]


@pytest.mark.parametrize("make, seed", UNTRAINED)
def test_untrained_all_cnn_scores_zero(tmp_path, make, seed) -> None:
    folder = tmp_path / "submission"
    folder.mkdir()
    torch.save(make(seed), folder / "allcnn.pt")
    settings = find_assignment("hw2").settings
    student = Student(find_submission(folder, tmp_path / "work", settings.files, settings.notebook_hint))
    try:
        scored = score_checkpoint(student, SimpleNamespace(data_dir=FASHION, eval_limit=LIMIT,
                                                           device="cpu"))
    finally:
        student.close()
    assert scored.failure is None, scored.failure
    accuracy = scored.result.clean_accuracy
    assert accuracy + MARGIN <= CHECKPOINT_RULE.zero_credit_accuracy, accuracy
    fraction = credit_fraction(accuracy, CHECKPOINT_RULE.full_credit_accuracy,
                               CHECKPOINT_RULE.zero_credit_accuracy)
    assert CLEAN_ACCURACY_CHECK.__weight__ * fraction == 0


def test_the_check_states_the_settings_rule() -> None:
    """The 5.a check's name (its docstring, in results.json) gives the thresholds of the settings."""
    name = CLEAN_ACCURACY_CHECK.__doc__
    assert f"{CHECKPOINT_RULE.full_credit_accuracy:.0%} or more" in name, name
    assert f"linear to 0 at {CHECKPOINT_RULE.zero_credit_accuracy:.0%}" in name, name
