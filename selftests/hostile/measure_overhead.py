"""What the trust boundary costs: grading a submission through the sandboxed worker, against the
same grading with every student function called in the grader's own process (no worker, no
sandbox: what grading would cost without any isolation).

    python -m selftests.hostile.measure_overhead [--submission reference] [--repeat 3]
           [--only problem1 problem2 ...] [--before COMMIT]

Every variant runs in a frozen copy of this repository. `--before COMMIT` adds a third variant:
the worker as it was at COMMIT (its student.py, worker.py and wire.py), e.g. the commit before the
sandbox (03aafd4).
Each run is a fresh `python -m autograder grade`-like process; the script prints wall-clock and
CPU seconds (grader plus children) per run, their medians and the ratios. Not a test: timings are
reported, never asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def in_process_student_class() -> type:
    """A `Student` that runs the worker's own code (`autograder.boundary.worker.Worker`) in this process:
    the same argument building, seeding, instrumentation and plain-data conversion, no process."""
    from autograder.boundary import student as seam
    from autograder.boundary import wire, worker

    class InProcessStudent(seam.Student):
        def __init__(self, submission: Any, **_: Any) -> None:
            self.submission = submission
            self.device = "cpu"
            self._worker = worker.Worker()
            self._files = {key: Path(path) for key, path in submission.files.items()}
            if submission.root and str(submission.root) not in sys.path:
                sys.path.append(str(submission.root))

        def call_with(self, options: Any, module: str, function: str, args: tuple, kwargs: dict):
            if module not in self._files:
                raise seam.MissingSubmission(f"{module}.py was not found in the submission")
            request = {"op": "call", "module": module, "path": str(self._files[module]),
                       "function": function, "args": list(args), "kwargs": kwargs,
                       "seed": options.seed, "device": "cpu"}
            return seam._outcome(self._serve(request), f"{module}.{function}")

        def read_checkpoint(self, key: str = "allcnn.pt", **kwargs: Any) -> Any:
            if key not in self._files:
                raise seam.MissingSubmission(f"{key} was not found in the submission")
            request = {"op": "task", "name": "read_checkpoint", "path": str(self._files[key]),
                       "kwargs": kwargs}
            return self._serve(request).get("value")

        def _serve(self, request: dict[str, Any]) -> dict[str, Any]:
            request = worker._decode_request(*wire.encode(request))
            try:
                if request["op"] == "call":
                    reply, context = self._worker.call(request)
                else:
                    reply, context = self._worker.task(request)
            except worker._Reported as reported:
                raise seam._failure(reported.payload, request.get("function", "task")) from None
            return wire.decode(*wire.encode(reply, context), rebuild_sympy=seam._student_expr)

        def reset(self) -> None:
            pass

        def close(self) -> None:
            pass

    return InProcessStudent


def run_once(variant: str, submission: Path, only: list[str] | None) -> None:
    """One grading in this process (called in a child process by `main`)."""
    from autograder.boundary import student
    from autograder.grade import grade

    if variant == "in-process":
        student.Student = in_process_student_class()
    with tempfile.TemporaryDirectory() as folder:
        results = grade(submission, Path(folder) / "results.json", only=only)
    print(json.dumps({"score": results.score, "max_score": results.max_score}))


SEAM_FILES = ("autograder/boundary/student.py", "autograder/boundary/worker.py", "autograder/boundary/wire.py")


def repository_at(commit: str | None, folder: Path) -> Path:
    """A frozen copy of this repository (edits made meanwhile do not change what is measured),
    with the seam files of `commit` if given (read with `git show`)."""
    copy = folder / (commit or "current")
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", ".data"))
    for name in SEAM_FILES if commit else ():
        text = subprocess.run(["git", "show", f"{commit}:{name}"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout
        (copy / name).write_text(text)
    return copy


def timed_child(variant: str, submission: Path, only: list[str] | None,
                where: Path = REPO) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    command = [sys.executable, "-m", "selftests.hostile.measure_overhead", "--child",
               "in-process" if variant == "in-process" else "worker",
               "--submission", str(submission)] + (["--only", *only] if only else [])
    # The worker gets as many threads as the in-process grading has: only the boundary differs.
    env = {**os.environ, "AUTOGRADER_WORKER_THREADS": str(os.cpu_count() or 1)}
    completed = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True, check=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    scores = json.loads(completed.stdout.strip().splitlines()[-1])
    return {"wall": wall, "cpu": cpu, **scores}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submission", type=Path, default=REPO / "reference" / "hw2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="+", default=None)
    parser.add_argument("--before", default=None, metavar="COMMIT")
    parser.add_argument("--child", choices=("worker", "in-process"), default=None)
    args = parser.parse_args(argv)
    if args.child:
        run_once(args.child, args.submission.resolve(), args.only)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        current = repository_at(None, Path(folder))
        places = {"in-process": current, "worker": current}
        if args.before:
            places[f"at {args.before}"] = repository_at(args.before, Path(folder))
        runs: dict[str, list[dict[str, float]]] = {variant: [] for variant in places}
        for index in range(args.repeat):
            for variant, where in places.items():  # alternate: a change of load hits every variant
                run = timed_child(variant, args.submission.resolve(), args.only, where)
                runs[variant].append(run)
                print(f"run {index + 1} {variant:>12}: wall {run['wall']:6.1f} s, cpu "
                      f"{run['cpu']:6.1f} s, score {run['score']:g} / {run['max_score']:g}", flush=True)
    medians = {v: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu")}
               for v, rs in runs.items()}
    for key in ("wall", "cpu"):
        base = medians["in-process"][key]
        print(f"median {key}: " + ", ".join(f"{v} {m[key]:.1f} s ({m[key] / base:.2f}x)"
                                            for v, m in medians.items()))
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
