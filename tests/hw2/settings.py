"""HW2's settings as its checks read them: `assignment.toml` beside this file, and the typed
`[checks]` values (5.a's thresholds) checked once, when a check module first imports them."""
from __future__ import annotations

from pathlib import Path

from autograder.assignment import load_assignment
from autograder.deeplearning.accuracy_credit import AccuracyRule

SETTINGS = load_assignment(Path(__file__).with_name("assignment.toml"))
CHECKPOINT_RULE = AccuracyRule.from_table(SETTINGS.checks().table("checkpoint"))
