"""HW2's settings as its checks read them: `assignment.toml` beside this file, and the typed
`[checks]` values (5.a's thresholds) checked once, when a check module first imports them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import load_assignment

SETTINGS = load_assignment(Path(__file__).with_name("assignment.toml"))


@dataclass(frozen=True)
class CheckpointRule:
    full_credit_accuracy: float  # clean test accuracy that earns every point of 5.a
    zero_credit_accuracy: float  # at or below it: no points; linear in between


def _checkpoint_rule() -> CheckpointRule:
    table = SETTINGS.checks().table("checkpoint")
    rule = CheckpointRule(full_credit_accuracy=table.fraction("full_credit_accuracy"),
                          zero_credit_accuracy=table.fraction("zero_credit_accuracy"))
    table.done()
    if not rule.zero_credit_accuracy < rule.full_credit_accuracy:
        raise ValueError("[checks.checkpoint] zero_credit_accuracy must be below full_credit_accuracy")
    return rule


CHECKPOINT_RULE = _checkpoint_rule()
