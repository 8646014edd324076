"""autograder.call_budgets: a function's deadline follows from the reference's own time on it."""
from __future__ import annotations

import json

import pytest

from autograder.assignment import Limits
from autograder.call_budgets import RECORD_ENV, call_budgets, read_call_times, record_call_times
from autograder.course import find_assignment

LIMITS = Limits(call_timeout_s=60, symbolic_timeout_s=10, check_timeout_s=900,
                reference_time_factor=20, reference_time_floor_s=15)


def test_deadline_is_a_multiple_of_the_reference_time_between_the_floor_and_the_limit() -> None:
    budgets = call_budgets(LIMITS, {"m.fast": 0.01, "m.medium": 1.5, "m.slow": 10.0})
    assert budgets == {"m.fast": 15, "m.medium": 30, "m.slow": 60}


def test_without_a_factor_every_function_keeps_the_assignment_limit() -> None:
    plain = Limits(call_timeout_s=60, symbolic_timeout_s=10, check_timeout_s=900)
    assert call_budgets(plain, {"m.fast": 0.01}) == {}


def test_times_are_read_checked_and_recorded(tmp_path, monkeypatch) -> None:
    assert read_call_times(tmp_path) == {}
    (tmp_path / "call_times.json").write_text(json.dumps({"m.f": "fast"}))
    with pytest.raises(ValueError, match="seconds"):
        read_call_times(tmp_path)
    target = tmp_path / "recorded.json"
    monkeypatch.setenv(RECORD_ENV, str(target))
    record_call_times({"m.f": 0.5, "m.g": 0.1})
    record_call_times({"m.f": 0.2})  # the slowest call of each function is kept
    assert json.loads(target.read_text()) == {"m.f": 0.5, "m.g": 0.1}


def test_hw2_times_every_function_its_checks_call() -> None:
    layout = find_assignment("hw2")
    times = read_call_times(layout.tests_dir)
    modules = set(layout.settings.modules())
    assert len(times) >= 15 and {what.split(".")[0] for what in times} <= modules
    budgets = call_budgets(layout.settings.limits, times)
    assert all(15 <= seconds <= layout.settings.limits.call_timeout_s for seconds in budgets.values())
