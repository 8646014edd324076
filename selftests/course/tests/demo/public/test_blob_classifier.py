"""Public checks of Problem 2: predict and accuracy (part Q5), the trained mlp.pt (part 3.1).

- Q5: predict(logits) returns, per row, the index of its largest logit (the test logits have no
  ties), as integers of shape (N,); accuracy(logits, labels) is the fraction of rows whose
  prediction is the label, a number in [0, 1]. Neither changes its arguments.
- 3.1: mlp.pt is read without running any code (in a worker), loaded into the grader's own MLP
  and scored by its accuracy on 300 fresh points of the blobs (seed below): all points at 90%,
  none at 34% (chance), linear in between. The hidden check scores it the same way on another
  sample, so a model that only memorized this one loses there.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from autograder.checks import CheckFailed, as_array, as_real, assert_no_mutations
from autograder.decorators import number, partial_credit, weight
from tests.demo import mlp_grading

PUBLIC_SEED = 1  # the public test set: make_blobs(300, seed=1)


def check_predict(student: Any, logits: torch.Tensor) -> None:
    what = "predict(logits)"
    outcome = student.call("blob_classifier", "predict", logits)
    got = as_array(outcome.value, what, shape=(logits.shape[0],))
    if not np.array_equal(got, np.round(got)):
        raise CheckFailed(f"{what} must return class indices (integers)",
                          detail=f"got {got[:8]}")
    expected = logits.to(torch.float64).numpy().argmax(axis=1)
    wrong = np.flatnonzero(got != expected)
    if wrong.size:
        raise CheckFailed(f"{what} is not the index of each row's largest logit",
                          detail=f"{wrong.size} of {got.size} rows differ; row {wrong[0]}: "
                                 f"expected {expected[wrong[0]]}, got {got[wrong[0]]:g}")
    assert_no_mutations(outcome, what)


def check_accuracy(student: Any, logits: torch.Tensor, labels: torch.Tensor, expected: float) -> None:
    what = "accuracy(logits, labels)"
    outcome = student.call("blob_classifier", "accuracy", logits, labels)
    got = as_real(outcome.value, what)
    if not abs(got - expected) <= 1e-6:
        raise CheckFailed(f"{what} is not the fraction of rows predicted as their label",
                          detail=f"expected {expected:.6g}, got {got:.6g}")
    assert_no_mutations(outcome, what)


LOGITS = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.3, 0.2], [-5.0, -4.0, -6.0], [1.0, 3.0, 2.5]])
LABELS = torch.tensor([0, 1, 2, 1])  # three of four predicted right


@number("Q5")
@weight(0.5)
def test_predict(student):
    """predict returns the index of each row's largest logit."""
    check_predict(student, LOGITS)


@number("Q5")
@weight(0.5)
def test_accuracy(student):
    """accuracy is the fraction of rows whose largest logit is at the label."""
    check_accuracy(student, LOGITS, LABELS, 0.75)


@number("3.1")
@partial_credit(2)
def test_checkpoint_accuracy(student, grading_options, score, feedback):
    """mlp.pt: accuracy on the public test set of 300 points (all points at 90%, none at 34%)."""
    result = mlp_grading.score(mlp_grading.load_mlp(student), PUBLIC_SEED, grading_options.eval_limit)
    score.set(result.fraction)
    if result.fraction < 1:
        raise CheckFailed(f"mlp.pt: {result.summary()}")
    feedback.note(f"mlp.pt: {result.summary()}")
