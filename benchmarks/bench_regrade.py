"""Regrading a class three ways: a shell loop over `grade`, `regrade --jobs 1`, `regrade`.

The class is built from the repository's own HW2 folders: copies of the reference, the template
and the bundled example, and the reference with each self-test variant appended
(`selftests/hw2/variants`, as `selftests/variants.py: with_overrides` builds them), up to
`--count` submissions. The same folders are graded by

  1. a shell loop: `for d in ...; do python -m autograder grade $d --results ...; done`
     (one fresh grader process per submission: its imports are paid every time);
  2. `python -m autograder regrade CLASS --out DIR --jobs 1` (one long-lived grading process);
  3. `python -m autograder regrade CLASS --out DIR` (the default number of jobs for this machine).

The expected values that depend only on the checks are stored first, as `setup.sh` stores them
(`scripts/store_expected_values.py`), so that the three ways start alike.
For each it prints the wall time, submissions per minute and the peak memory (the largest sum of
the resident memory of the command's whole process tree, sampled every 0.2 s), and it checks
that all three gave the same scores. Numbers are printed, never asserted.

    .venv/bin/python benchmarks/bench_regrade.py --count 40            # about 15 minutes on 2 cores
    .venv/bin/python benchmarks/bench_regrade.py --count 4 --only problem2   # a quick check
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from selftests.variants import with_overrides  # noqa: E402

IGNORED = shutil.ignore_patterns("__pycache__", "*.pt")


def build_class(root: Path, count: int, problems: list[str] | None) -> list[str]:
    """`count` submission folders under `root` (the variants taken in turn from each problem, of
    the graded ones when `problems` is given); returns their names."""
    plain = [("reference", REPO / "reference" / "hw2"), ("template", REPO / "student_template" / "hw2"),
             ("example", REPO / "examples" / "submission")]
    folders = sorted(p for p in (REPO / "selftests" / "hw2" / "variants").iterdir()
                     if p.is_dir() and (problems is None or p.name in problems))
    by_problem = [sorted(folder.glob("*.py")) for folder in folders]
    variants = [files[i] for i in range(max(map(len, by_problem), default=0))
                for files in by_problem if i < len(files)]
    names = []
    for index in range(count):
        if index < len(plain):
            name, origin = plain[index]
            shutil.copytree(origin, root / name, ignore=IGNORED)
        else:
            variant = variants[(index - len(plain)) % len(variants)]
            name = f"v{index:03d}-{variant.parent.name}-{variant.stem}"
            with_overrides(REPO / "reference" / "hw2", root / name, {variant.parent.name: variant})
        names.append(name)
    return names


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and every process below it."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            for line in Path(f"/proc/{entry}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss[int(entry)] = int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in tree)


def measure(command: list[str], log: Path) -> tuple[float, int, int]:
    """(wall seconds, peak tree memory in bytes, exit status) of `command`."""
    peak = 0
    started = time.monotonic()
    with open(log, "w") as stream:
        process = subprocess.Popen(command, cwd=REPO, stdout=stream, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.2):
                peak = max(peak, _tree_rss(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = process.wait()
        done.set()
        sampler.join()
    return time.monotonic() - started, peak, code


def regrade_scores(out: Path) -> dict[str, float]:
    with open(out / "scores.csv", newline="") as stream:
        return {row["submission_id"]: float(row["total"] or "nan") for row in csv.DictReader(stream)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="submissions in the class (default 40)")
    parser.add_argument("--only", nargs="+", default=None, metavar="PROBLEM",
                        help="grade only these problems (a quick check of the benchmark itself)")
    parser.add_argument("--work", type=Path, default=None, help="keep the class and outputs here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-regrade-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o700)  # as root, a class other users can read is refused
    source = work / "class"
    if source.exists():
        shutil.rmtree(source)
    source.mkdir()
    names = build_class(source, args.count, args.only)
    extra = ["--only", *args.only] if args.only else []
    python = sys.executable
    loop_results = work / "loop"
    shutil.rmtree(loop_results, ignore_errors=True)
    loop_results.mkdir()
    loop = " ".join(["for d in", *(shlex.quote(n) for n in names), "; do",
                     shlex.quote(python), "-m autograder grade", shlex.quote(str(source)) + '/"$d"',
                     "--results", shlex.quote(str(loop_results)) + '/"$d".json',
                     *map(shlex.quote, extra), "> /dev/null || echo \"failed: $d\"; done"])
    runs = {
        "shell loop over grade": ["bash", "-c", loop],
        "regrade --jobs 1": [python, "-m", "autograder", "regrade", str(source), "--out",
                             str(work / "jobs1"), "--jobs", "1", "--force", *extra],
        "regrade (default jobs)": [python, "-m", "autograder", "regrade", str(source), "--out",
                                   str(work / "default"), "--force", *extra],
    }
    from autograder.regrade.local import default_jobs

    # As after `setup.sh`: the expected values that depend only on the checks are stored, for
    # all three ways alike (the loop would otherwise fill the store for the other two).
    subprocess.run([python, str(REPO / "scripts" / "store_expected_values.py")], check=True)
    print(f"{len(names)} submissions in {source}; default jobs here: {default_jobs()}; "
          f"{os.cpu_count()} CPUs; problems: {' '.join(args.only) if args.only else 'all'}", flush=True)
    table = []
    for label, command in runs.items():
        seconds, peak, code = measure(command, work / f"{label.split()[0]}-{len(table)}.log")
        table.append((label, seconds, len(names) / seconds * 60, peak, code))
        print(f"{label:<24} {seconds:8.1f} s  {len(names) / seconds * 60:6.2f} submissions/min  "
              f"peak {peak / 2**30:5.2f} GiB  (exit {code}; load average after: "
              f"{os.getloadavg()[0]:.1f})", flush=True)
    loop_scores = {}
    for name in names:
        path = loop_results / f"{name}.json"
        loop_scores[name] = json.loads(path.read_text())["score"] if path.exists() else float("nan")
    agree = loop_scores == regrade_scores(work / "jobs1") == regrade_scores(work / "default")
    print(f"scores agree across the three: {'yes' if agree else 'NO'}")
    if not agree:
        for name in names:
            print(f"  {name}: loop {loop_scores[name]}, jobs1 {regrade_scores(work / 'jobs1').get(name)}, "
                  f"default {regrade_scores(work / 'default').get(name)}")
    print(f"outputs and logs: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
