"""HW4's settings as its checks read them: `assignment.toml` beside this file, the typed `[checks]`
values (2.4's checkpoint rule) checked once, and the grader's own sympy symbols.

The symbols carry the contract's assumptions (sigma, eta, lam, alpha, x and m positive; yhat in
(0, 1), which sympy can only say as positive; y a real label). A student's answer is rebuilt with
these very objects, so an answer built from a symbol of its own is caught as an unknown symbol.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sympy

from autograder.assignment import load_assignment

SETTINGS = load_assignment(Path(__file__).with_name("assignment.toml"))
SYMBOLIC_TIMEOUT = SETTINGS.limits.symbolic_timeout_s

SYMBOLS: dict[str, sympy.Symbol] = {
    **{name: sympy.Symbol(name, positive=True) for name in ("sigma", "eta", "lam", "alpha", "x", "m")},
    "yhat": sympy.Symbol("yhat", positive=True),
    "y": sympy.Symbol("y", real=True),
}


@dataclass(frozen=True)
class CheckpointRule:
    full_credit_accuracy: float  # clean test accuracy that earns all of the checkpoint's points
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
