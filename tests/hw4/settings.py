"""HW4's settings as its checks read them: `assignment.toml` beside this file, the typed `[checks]`
values (2.4's checkpoint rule) checked once, and the grader's own sympy symbols.

The symbols carry the contract's assumptions (sigma, eta, lam, alpha, x and m positive; yhat in
(0, 1), which sympy can only say as positive; y a real label). A student's answer is rebuilt with
these very objects, so an answer built from a symbol of its own is caught as an unknown symbol.
"""
from __future__ import annotations

from pathlib import Path

import sympy

from autograder.assignment import load_assignment
from autograder.deeplearning.accuracy_credit import AccuracyRule

SETTINGS = load_assignment(Path(__file__).with_name("assignment.toml"))
SYMBOLIC_TIMEOUT = SETTINGS.limits.symbolic_timeout_s

SYMBOLS: dict[str, sympy.Symbol] = {
    **{name: sympy.Symbol(name, positive=True) for name in ("sigma", "eta", "lam", "alpha", "x", "m")},
    "yhat": sympy.Symbol("yhat", positive=True),
    "y": sympy.Symbol("y", real=True),
}
CHECKPOINT_RULE = AccuracyRule.from_table(SETTINGS.checks().table("checkpoint"))
