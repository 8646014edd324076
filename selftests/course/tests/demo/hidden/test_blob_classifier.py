"""Hidden checks of Problem 2 on inputs the student has never seen: predict and accuracy on
seeded logits of other shapes and dtypes (the expected accuracy comes from the reference, the
`oracle`), and mlp.pt scored by the public rule on another sample of the blobs."""
from __future__ import annotations

import pytest
import torch

from autograder.checks import CheckFailed
from autograder.decorators import number, partial_credit, weight
from tests.demo import mlp_grading
from tests.demo.public.test_blob_classifier import check_accuracy, check_predict

HIDDEN_SEED = 2024


def case(rows: int, classes: int, seed: int, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(rows, classes, generator=generator, dtype=torch.float64).to(dtype)
    return logits, torch.randint(0, classes, (rows,), generator=generator)


CASES = {
    "64 x 5 float32": case(64, 5, 31, torch.float32),
    "one row of 10 classes": case(1, 10, 32, torch.float64),
    "200 x 2 float64": case(200, 2, 33, torch.float64),
}


@number("Q5")
@weight(0.5)
@pytest.mark.parametrize("name", CASES)
def test_predict_unseen(student, name):
    """predict returns the index of each row's largest logit, on unseen logits."""
    check_predict(student, CASES[name][0])


@number("Q5")
@weight(0.5)
@pytest.mark.parametrize("name", CASES)
def test_accuracy_unseen(student, oracle, name):
    """accuracy is the fraction of rows predicted as their label, on unseen logits."""
    logits, labels = CASES[name]
    check_accuracy(student, logits, labels, oracle.blob_classifier.accuracy(logits, labels))


@number("3.1")
@partial_credit(1)
def test_checkpoint_accuracy_unseen(student, grading_options, score):
    """mlp.pt: accuracy on an unseen sample of the blobs, by the public rule."""
    result = mlp_grading.score(mlp_grading.load_mlp(student), HIDDEN_SEED, grading_options.eval_limit)
    score.set(result.fraction)
    if result.fraction < 1:
        raise CheckFailed(f"mlp.pt on an unseen sample: {result.summary()}")
