"""Grade a folder the way an instructor does (`python -m autograder grade`), for self-tests."""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
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


class BatchGrader:
    """Grades folders one after another in one long-lived grading process (the one `regrade`
    keeps per job, `autograder.regrade.grader`), started again only when the options change:
    self-tests that grade dozens of variants then pay the grader's imports once, not once per
    folder. Its results are `grade`'s (selftests/regrade proves it), checked as `grade_folder`'s."""

    def __init__(self) -> None:
        self.process = None
        self.options: dict | None = None

    def grade(self, folder: Path, *, assignment: str = "hw2", only: Sequence[str] | None = None,
              timeout: float = 900) -> dict:
        from autograder.regrade.files import passable_tmp
        from autograder.regrade.process import GradingProcess

        options = {"assignment": assignment, "device": "auto", "data": None, "eval_limit": None,
                   "only": sorted(only) if only else None, "tests": None}
        if self.process is None or options != self.options or not self.process.alive():
            self.close()
            # one thread: self-tests run two of these side by side on two cores
            self.process, self.options = GradingProcess(options, passable_tmp(), threads=1), options
        self.process.submit({"id": folder.name, "folder": str(folder)})
        outcome = self.process.wait(timeout)
        assert outcome["status"] == "ok", f"grading {folder} failed: {outcome['status']}\n{outcome['log'][-4000:]}"
        data = outcome["document"]
        jsonschema.validate(data, SCHEMA)
        return data

    def close(self) -> None:
        if self.process is not None:
            self.process.close()
        self.process = self.options = None


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
