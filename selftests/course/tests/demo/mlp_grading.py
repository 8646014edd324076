"""Part 3.1's scoring of the student's `mlp.pt`, shared by the public and the hidden check.

Support code of the demo lab's checks, built from the engine's blocks: the safe checkpoint reader
(a worker task: the file is parsed in a worker that never ran student code, never here),
`load_state_into` (the state dict into a model the grader builds itself, with clear messages for
wrong keys, shapes or NaN weights) and `credit_fraction`. The data are three Gaussian blobs in
the plane, made here from a seed with the template's recipe (`make_blobs`); the rule's numbers
are the `[checks.checkpoint]` table of `assignment.toml`.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from autograder.assignment import load_assignment
from autograder.checks import CheckFailed
from autograder.deeplearning.adversarial import credit_fraction
from autograder.deeplearning.checkpoint import CheckpointError, load_state_into

SETTINGS = load_assignment(Path(__file__).with_name("assignment.toml"))
CHECKPOINT = "mlp.pt"
MAX_BYTES = 1_000_000
SIZE_HINT = "a checkpoint of the lab's MLP is about 3 kB"
HOW_TO_SAVE = ("Save only the weights, with the template's helper `save_checkpoint(model, "
               "\"mlp.pt\")` (it calls `torch.save(model.state_dict(), path)`).")
MODEL = ("the lab's MLP (build_mlp() of the template: Linear(2, 16), ReLU, Linear(16, 3), keys "
         "0.weight, 0.bias, 2.weight, 2.bias)")

CENTERS = ((0.0, 2.0), (-1.7320508, -1.0), (1.7320508, -1.0))  # as in the template
SPREAD = 0.6


@dataclass(frozen=True)
class CheckpointRule:
    full_credit_accuracy: float  # test accuracy that earns every point of 3.1
    zero_credit_accuracy: float  # at or below it: no points; linear in between
    test_points: int             # points in each test set


def _rule() -> CheckpointRule:
    table = SETTINGS.checks().table("checkpoint")
    rule = CheckpointRule(full_credit_accuracy=table.fraction("full_credit_accuracy"),
                          zero_credit_accuracy=table.fraction("zero_credit_accuracy"),
                          test_points=table.integer("test_points"))
    table.done()
    if not rule.zero_credit_accuracy < rule.full_credit_accuracy or rule.test_points < 1:
        raise ValueError("[checks.checkpoint]: zero_credit_accuracy must be below "
                         "full_credit_accuracy, and test_points positive")
    return rule


RULE = _rule()


def make_blobs(count: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` points (float32, (count, 2)) and classes (int64, (count,)): the template's recipe."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, len(CENTERS), (count,), generator=generator)
    points = torch.tensor(CENTERS)[labels] + SPREAD * torch.randn(count, 2, generator=generator)
    return points, labels


def build_mlp() -> nn.Module:
    """The grader's own copy of the architecture mlp.pt must fit."""
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))


_last_read: tuple[weakref.ref, nn.Module | CheckFailed] | None = None  # (whose, what came of it)


def load_mlp(student: Any) -> nn.Module:
    """mlp.pt, read in the worker and loaded here into `build_mlp()`; CheckFailed if unusable.

    Read once per grading run: the public and the hidden check share it, since each reading
    starts a fresh worker of its own (about a second).
    """
    global _last_read
    if _last_read is None or _last_read[0]() is not student:
        try:
            data = student.read_checkpoint(CHECKPOINT, max_bytes=MAX_BYTES, size_hint=SIZE_HINT,
                                           how_to_save=HOW_TO_SAVE)
            outcome: nn.Module | CheckFailed = load_state_into(build_mlp(), data, what=MODEL)
        except CheckpointError as error:
            outcome = CheckFailed(f"{CHECKPOINT} cannot be used: {error}")
        except CheckFailed as error:  # the worker refused the file, or there is none
            outcome = error
        _last_read = (weakref.ref(student), outcome)
    outcome = _last_read[1]
    if isinstance(outcome, CheckFailed):
        raise outcome
    return outcome


@dataclass(frozen=True)
class Score:
    correct: int
    count: int
    fraction: float  # of the part's points, by the rule

    @property
    def accuracy(self) -> float:
        return self.correct / self.count

    def summary(self) -> str:
        rule = RULE
        return (f"test accuracy {self.accuracy:.1%} ({self.correct} of {self.count} points); "
                f"all points at {rule.full_credit_accuracy:.0%} or more, none at "
                f"{rule.zero_credit_accuracy:.0%} or less, linear in between: "
                f"{self.fraction:.0%} of the points")


def score(model: nn.Module, seed: int, eval_limit: int | None = None) -> Score:
    """The model's accuracy on `RULE.test_points` fresh points of the blobs (`eval_limit` if set
    and smaller: a quicker estimate on another, smaller sample)."""
    count = min(RULE.test_points, eval_limit) if eval_limit else RULE.test_points
    points, labels = make_blobs(count, seed)
    with torch.no_grad():
        correct = int((model(points).argmax(dim=1) == labels).sum())
    return Score(correct, count, credit_fraction(correct / count, RULE.full_credit_accuracy,
                                                 RULE.zero_credit_accuracy))
