"""Per-function deadlines that follow from the reference's own time on the same call.

A student function that sleeps forever should cost a few seconds, not the assignment's whole
per-call limit on every call (HW2 once took 595 s for one hanging function). The reference's
slowest call of each function is recorded once by grading the reference with
`AUTOGRADER_RECORD_CALL_TIMES=FILE` set (see `docs/adding-an-assignment.md`) and kept beside the
assignment's settings as `call_times.json`. A function's deadline is then
`max(floor, factor * reference time)`, never above `call_timeout_s`; a function the file does not
name keeps `call_timeout_s`. The factor is generous on purpose: a correct but plain student
version may be several times slower than the reference, on a slower machine (Gradescope's half a
CPU).
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Mapping

from autograder.assignment import Limits

CALL_TIMES_FILE = "call_times.json"
RECORD_ENV = "AUTOGRADER_RECORD_CALL_TIMES"


def read_call_times(tests_dir: Path) -> dict[str, float]:
    """"module.function" -> seconds; {} when the assignment keeps no such file."""
    path = tests_dir / CALL_TIMES_FILE
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not all(
            isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
            and math.isfinite(v) and v >= 0 for k, v in raw.items()):
        raise ValueError(f"{path} must map 'module.function' to seconds")
    return {key: float(value) for key, value in raw.items()}


def call_budgets(limits: Limits, reference_times: Mapping[str, float]) -> dict[str, float]:
    """The deadline of each function the reference was timed on (none when the factor is unset)."""
    if limits.reference_time_factor <= 0:
        return {}
    return {what: min(limits.call_timeout_s,
                      max(limits.reference_time_floor_s, limits.reference_time_factor * seconds))
            for what, seconds in reference_times.items()}


def record_call_times(times: Mapping[str, float]) -> None:
    """Merge this run's slowest successful call of each function into $AUTOGRADER_RECORD_CALL_TIMES."""
    target = os.environ.get(RECORD_ENV)
    if not target or not times:
        return
    path = Path(target)
    known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for what, seconds in times.items():
        known[what] = round(max(float(known.get(what, 0.0)), seconds), 3)
    path.write_text(json.dumps(dict(sorted(known.items())), indent=2) + "\n", encoding="utf-8")
