"""What a worker start costs: forked from the template against a fresh interpreter.

A submission whose calls crash or time out pays a worker start for every check that follows, so
this cost multiplies with the number of checks. This prints, for each way (on all cores; run
under `taskset -c 0` for one):

  first call    the first call of a new `Student` (the template's start included, when there is one)
  restart       the call after a call that crashed its worker (a new worker, nothing else)

best of --repeat restarts. Numbers are printed, never asserted.

    .venv/bin/python benchmarks/bench_worker_start.py
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROBE = "import os\n\ndef ok():\n    return 1\n\ndef crash():\n    os._exit(3)\n"
ONE_WAY = r"""
import sys, time
sys.path.insert(0, {repo!r})
from pathlib import Path
from autograder.boundary.student import Student, WorkerCrashed
from autograder.boundary.submission import find_submission
from autograder.course import find_assignment

folder = Path({folder!r})
settings = find_assignment("hw2").settings  # any assignment: its problem2.py key
submission = find_submission(folder, folder.parent / "converted", settings.files, settings.notebook_hint)
started = time.perf_counter()
student = Student(submission)
student.call("problem2", "ok")
first = time.perf_counter() - started
restarts = []
for _ in range({repeat}):
    try:
        student.call("problem2", "crash")
    except WorkerCrashed:
        pass
    started = time.perf_counter()
    student.call("problem2", "ok")
    restarts.append(time.perf_counter() - started)
student.close()
print(first, min(restarts))
"""


def one_way(fresh: bool, repeat: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="bench-worker-start-") as scratch:
        folder = Path(scratch) / "submission"
        folder.mkdir()
        (folder / "problem2.py").write_text(PROBE)
        env = dict(os.environ, AUTOGRADER_FRESH_WORKERS="1" if fresh else "0")
        out = subprocess.run([sys.executable, "-c", ONE_WAY.format(repo=str(REPO), folder=str(folder),
                                                                   repeat=repeat)],
                             cwd=REPO, env=env, check=True, capture_output=True, text=True).stdout
    first, restart = (float(x) for x in out.split()[-2:])
    return first, restart


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'worker':<28} {'first call':>10} {'restart':>9}")
    for label, fresh in (("forked from the template", False), ("fresh interpreter", True)):
        first, restart = one_way(fresh, args.repeat)
        print(f"{label:<28} {first:9.2f}s {restart:8.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
