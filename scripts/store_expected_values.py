"""Fill the expected-value store by grading each assignment's reference once.

Expected values that depend only on the checks (seeded models, selected attack images) are kept
in `.cache/expected-values/` (`autograder/expected_store.py`). `setup.sh` runs this last, so that
every later grading on this machine, and every
Gradescope submission graded from the image the set-up built, reads them back instead of
computing them. Skipped for an assignment without its reference (a student handout). Grading
runs as `run_autograder` runs it: plain environment, so that the grader forks its workers'
template; failures only warn (a grading without stored values is slower, not wrong).

    .venv/bin/python scripts/store_expected_values.py
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.boundary.sandbox.environment import plain_environment  # noqa: E402
from autograder.course import copy_code, read_registry  # noqa: E402
from autograder.expected_store import STORE_ENV  # noqa: E402


def store_for(name: str, scratch: Path) -> str:
    reference = REPO / "reference" / name
    if not reference.is_dir():
        return "no reference here: skipped"
    folder = copy_code(reference, scratch / name)
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(folder), "--assignment", name,
         "--results", str(scratch / f"{name}.json")],
        cwd=REPO, env=plain_environment(os.environ), capture_output=True, text=True)
    took = time.monotonic() - started
    if completed.returncode != 0:
        return f"warning: grading the reference failed ({took:.0f} s); gradings will compute " \
               f"its values themselves:\n{completed.stderr[-2000:]}"
    return f"reference graded in {took:.0f} s"


def main() -> int:
    if os.environ.get(STORE_ENV, "").strip().lower() == "off":
        print("[setup] expected-value store: off")
        return 0
    with tempfile.TemporaryDirectory(prefix="autograder-store-") as scratch:
        for name in read_registry().names:
            print(f"[setup] expected values of {name}: {store_for(name, Path(scratch))}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
