"""Points for a trained checkpoint's accuracy: the rule, the scoring's outcome, its feedback.

Courses grade a trained model the same way: all points at one accuracy or more, none at another
or less, linear in between, the rule read from the assignment's `[checks.checkpoint]` table, and
a feedback line that states the accuracy, the rule and the share earned. Which model, data and
normalization is the assignment's own code; this is the part they share.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from autograder.deeplearning.adversarial import EvalResult, credit_fraction
from autograder.errors import CheckFailed
from autograder.settings_table import Table


@dataclass(frozen=True)
class AccuracyRule:
    full_credit_accuracy: float  # accuracy that earns every point
    zero_credit_accuracy: float  # at or below it: no points; linear in between

    @classmethod
    def from_table(cls, table: Table) -> "AccuracyRule":
        """The rule of a settings table holding exactly these two keys (fractions in [0, 1])."""
        rule = cls(full_credit_accuracy=table.fraction("full_credit_accuracy"),
                   zero_credit_accuracy=table.fraction("zero_credit_accuracy"))
        table.done()
        if not rule.zero_credit_accuracy < rule.full_credit_accuracy:
            raise ValueError("[checks.checkpoint] zero_credit_accuracy must be below full_credit_accuracy")
        return rule

    def fraction(self, accuracy: float) -> float:
        return credit_fraction(accuracy, self.full_credit_accuracy, self.zero_credit_accuracy)

    def check_name(self, what: str, points: float) -> str:
        """A check's name that states the rule (Gradescope shows it)."""
        return (f"{what} ({points:g} points at {self.full_credit_accuracy:.0%} or more, linear to 0 "
                f"at {self.zero_credit_accuracy:.0%}).")


@dataclass(frozen=True)
class CheckpointScore:
    """A checkpoint's evaluation and notes for the feedback, or why there is none."""

    result: EvalResult | None
    notes: tuple[str, ...]
    official: bool = False  # scored on the whole official test set
    failure: CheckFailed | None = None  # why it could not be scored (the score is then 0)


class _Score(Protocol):
    def set(self, fraction: float) -> None: ...


class _Feedback(Protocol):
    def note(self, markdown: str) -> None: ...


def award_clean_accuracy(scored: CheckpointScore, rule: AccuracyRule, score: _Score,
                         feedback: _Feedback) -> None:
    """Set a `@partial_credit` check's share from the clean accuracy and say why: the check fails
    (keeping its share) below full credit or off the official test set, else passes with a note."""
    if scored.failure:
        raise scored.failure
    result: Any = scored.result
    fraction = rule.fraction(result.clean_accuracy)
    score.set(fraction)
    summary = (f"Clean accuracy {result.clean_accuracy:.2%} on {result.images:,} test images "
               f"({result.clean_correct:,} correct), in float32 on {result.device}. Rule: all points "
               f"at {rule.full_credit_accuracy:.0%} or more, none at {rule.zero_credit_accuracy:.0%} "
               f"or less, linear in between: {fraction:.1%} of the points.")
    notes = "".join(f"\n- {note}" for note in scored.notes)
    if fraction < 1.0 or not scored.official:
        raise CheckFailed(summary + notes)
    feedback.note(summary + notes)
