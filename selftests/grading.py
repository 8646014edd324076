"""Grade a folder the way an instructor does (`python -m autograder grade`), for self-tests."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from autograder.course import find_assignment

REPO = Path(__file__).resolve().parent.parent
HW2_FILES = (find_assignment("hw2").settings.files, find_assignment("hw2").settings.notebook_hint)
"""`find_submission(root, workdir, *HW2_FILES)` finds a submission as HW2's settings describe it."""
SCHEMA = json.loads((REPO / "autograder" / "schema" / "gradescope-results.schema.json").read_text())


def grade_folder(folder: Path, results: Path, *extra: str, timeout: float = 900) -> dict:
    """Run the CLI on `folder`; return the results.json it wrote, after checking it is valid."""
    completed = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(folder), "--results", str(results), *extra],
        cwd=REPO, capture_output=True, text=True, timeout=timeout)
    assert completed.returncode == 0, f"grading failed:\n{completed.stdout}\n{completed.stderr[-4000:]}"
    data = json.loads(results.read_text())
    jsonschema.validate(data, SCHEMA)
    data["_stdout"] = completed.stdout
    return data


def part_scores(results: dict) -> dict[str, tuple[float, float]]:
    """Part label -> (score, max score), summed over the part's tests."""
    parts: dict[str, tuple[float, float]] = {}
    for test in results["tests"]:
        score, top = parts.get(test["number"], (0.0, 0.0))
        parts[test["number"]] = (score + test["score"], top + test["max_score"])
    return {label: (round(s, 6), round(m, 6)) for label, (s, m) in parts.items()}


def failing_outputs(results: dict, label: str) -> str:
    """The feedback of a part's failed tests, to show when a self-test's expectation is not met."""
    return "\n".join(f"- {t['name']}: {t.get('output', '')[:300]}" for t in results["tests"]
                     if t["number"] == label and t["score"] < t["max_score"])
