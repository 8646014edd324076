"""A grading process that grades many submissions in turn leaves nothing of one to the next.

Two submissions run the same hostile `probe()` (selftests/regrade/kit.py), one after the other in
one grading process: it looks for what earlier submissions left (files in every shared temporary
folder and in its home, a detached process, its environment) and for other submissions' files
(the source, found from the driver's command line), then leaves the same traces itself. The
second must find nothing, and nothing of either may outlive the run.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from selftests.regrade.kit import FIXTURES, PROBE, gradings, read_csv, regrade

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="submissions are kept apart by the sandbox's users, which need root "
                              "(as an ordinary user, student code runs as that user)")


def _sleepers() -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:2] == [b"sleep", b"4242"]:
                found.append(int(pid))
        except OSError:
            continue
    return found


def test_nothing_of_one_submission_reaches_the_next(tmp_path: Path) -> None:
    source, out = tmp_path / "class", tmp_path / "out"
    for name in ("a-first", "b-second"):
        (source / name).mkdir(parents=True)
        (source / name / "problem1.py").write_text(PROBE)
    completed = regrade(source, out, "--tests", str(FIXTURES / "isolation"), "--jobs", "1")
    details = {name: json.loads((out / name / "results.json").read_text())["tests"][0]["output"]
               for name in ("a-first", "b-second")}
    assert completed.returncode == 0, (completed.stderr[-3000:], details)
    assert [(r["submission_id"], r["1.b"]) for r in read_csv(out)] == [("a-first", "2"), ("b-second", "2")], details
    assert gradings(out) == ["a-first", "b-second"]
    workers = {record["worker"] for record in json.loads((out / "manifest.json").read_text())["submissions"].values()}
    assert len(workers) == 1, "both were graded by one grading process, which is what is tested"
    assert _sleepers() == [], "a student process outlived its grading"
    planted = [path for folder in ("/tmp", "/var/tmp", "/dev/shm") if os.path.isdir(folder)
               for path in Path(folder).glob("planted-by-*")]
    assert planted == [], "files of the sandbox user outlived the grading"
