"""One grading against the bare import time, as a ratio measured in one run.

Every grading pays the imports of torch, torchvision and sympy at least once (the grader; its
workers are forked from a template that shares them). This prints, on one core (`taskset -c 0`
where it exists):

  1. `python -c "import torch, torchvision, sympy"`: the bare import, best of --repeat runs;
  2. `python -m autograder grade` of one submission without a checkpoint, best of --repeat runs,
     twice: with the expected values stored (`autograder/expected_store.py`; `setup.sh` stores
     them, so this is every grading on Gradescope and every one after the first on a machine),
     and with nothing stored (`AUTOGRADER_EXPECTED_STORE=off`: the grader computes them all);

and the ratios. `--submission reference` (the default), `template` (the blank template) or
`crashing` (every file only `def __getattr__(name): os._exit(1)`, so that every call kills its
worker and the next one needs a new worker). Both run in the small environment Gradescope's
`run_autograder` gives the grader (plain variables only), in which the grader forks its workers'
template from itself. The store is a temporary folder, filled by one untimed grading first, as
the set-up fills it. Numbers are printed, never asserted.

    .venv/bin/python benchmarks/bench_one_grading.py                 # HW2, the default
    .venv/bin/python benchmarks/bench_one_grading.py --assignment hw4
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.boundary.sandbox.environment import plain_environment  # noqa: E402
from autograder.course import copy_code  # noqa: E402


def timed(command: list[str], store: str = "off") -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**plain_environment(os.environ), "AUTOGRADER_EXPECTED_STORE": store})
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="hw2")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--submission", choices=("reference", "template", "crashing"), default="reference")
    args = parser.parse_args()
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    python = [*pin, sys.executable]
    imports = min(timed([*python, "-c", "import torch, torchvision, sympy"]) for _ in range(args.repeat))
    with tempfile.TemporaryDirectory(prefix="bench-one-grading-") as scratch:
        source = REPO / ("reference" if args.submission == "reference" else "student_template") / args.assignment
        folder = copy_code(source, Path(scratch) / "submission")
        if args.submission == "crashing":
            for path in folder.glob("*.py"):
                path.write_text("import os\n\n\ndef __getattr__(name):\n    os._exit(1)\n")
        command = [*python, "-m", "autograder", "grade", str(folder), "--assignment", args.assignment,
                   "--results", str(Path(scratch) / "results.json")]
        store = str(Path(scratch) / "store")
        timed(command, store)  # what the set-up does: the store is filled
        stored = min(timed(command, store) for _ in range(args.repeat))
        computed = min(timed(command, "off") for _ in range(args.repeat))
    core = "one core" if pin else "all cores (taskset not found)"
    print(f"{args.assignment}, {core}, best of {args.repeat}:")
    print(f"  {'import torch, torchvision, sympy':<50}{imports:6.2f} s")
    for label, seconds in (("expected values stored", stored), ("nothing stored", computed)):
        print(f"  {'one grading (' + args.submission + '), ' + label:<50}{seconds:6.2f} s"
              f"  = {seconds / imports:4.2f}x the import (goal: at most 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
