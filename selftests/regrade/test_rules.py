"""When a re-run grades again, and what a crashed or hung grading leaves: small check suites
(`fixtures/`) that grade in about a second, so every rule costs little."""
from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from selftests.regrade.kit import FIXTURES, graders_of, gradings, read_csv, regrade, running, start_regrade


def _class(root: Path, names: list[str]) -> Path:
    for name in names:
        (root / name).mkdir(parents=True)
        (root / name / "problem1.py").write_text(f"WHO = {name!r}\n")
    return root


def _quick(source: Path, out: Path, *extra: str):
    return regrade(source, out, "--tests", str(FIXTURES / "quick"), "--jobs", "1", *extra)


def test_a_rerun_grades_only_what_changed(tmp_path: Path) -> None:
    source, out = _class(tmp_path / "class", ["s1", "s2"]), tmp_path / "out"
    first = _quick(source, out)
    assert first.returncode == 0, first.stderr[-3000:]
    assert gradings(out) == ["s1", "s2"]
    rows = read_csv(out)
    assert [(r["submission_id"], r["1.b"], r["1.c"], r["total"], r["status"]) for r in rows] == [
        ("s1", "2", "0", "2", "ok"), ("s2", "2", "0", "2", "ok")]
    assert list(rows[0])[:4] == ["submission_id", "name", "sid", "email"] and "6.c" in rows[0]

    again = _quick(source, out)  # nothing changed: nothing graded
    assert again.returncode == 0 and gradings(out) == ["s1", "s2"]
    assert "0 graded now, 2 already up to date" in again.stdout

    (source / "s2" / "problem1.py").write_text("WHO = 'someone else'\n")  # a submission changed
    _quick(source, out)
    assert gradings(out) == ["s1", "s2", "s2"]

    _quick(source, out, "--eval-limit", "5")  # an option that changes scores: a new grader
    assert gradings(out)[3:] == ["s1", "s2"]

    results = out / "s1" / "results.json"  # results that are not the ones written: graded again
    results.write_text(results.read_text().replace('"score": 2.0', '"score": 84.0', 1))
    _quick(source, out, "--eval-limit", "5")
    assert gradings(out)[5:] == ["s1"]

    _quick(source, out, "--eval-limit", "5", "--force")
    assert gradings(out)[6:] == ["s1", "s2"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["submissions"]) == {"s1", "s2"}
    assert {record["status"] for record in manifest["submissions"].values()} == {"ok"}


def test_a_crashed_grading_is_reported_retried_and_does_not_stop_the_rest(tmp_path: Path) -> None:
    source, out = _class(tmp_path / "class", ["s1", "s2"]), tmp_path / "out"
    completed = regrade(source, out, "--tests", str(FIXTURES / "crash"), "--jobs", "1")
    assert completed.returncode == 1  # finished, but not every submission got a grade
    rows = read_csv(out)
    assert [r["status"] for r in rows] == ["grader failed: the grading process ended: exit status 3"] * 2
    assert all(r["total"] == "" and r["1.b"] == "" for r in rows)  # no placeholder 0 as a grade
    placeholder = json.loads((out / "s1" / "results.json").read_text())
    assert placeholder["score"] == 0 and "placeholder" in placeholder["output"]
    report = (out / "report.html").read_text()
    failed = report[report.index("Submissions not graded"):]
    assert "s1" in failed and "s2" in failed and "exit status 3" in failed
    regrade(source, out, "--tests", str(FIXTURES / "crash"), "--jobs", "1")
    assert gradings(out) == ["s1", "s2", "s1", "s2"]  # failures are always tried again


def test_a_grading_past_the_time_limit_is_stopped_and_leaves_no_process(tmp_path: Path) -> None:
    source, out = _class(tmp_path / "class", ["s1"]), tmp_path / "out"
    driver = start_regrade(source, out, "--tests", str(FIXTURES / "sleep"), "--timeout", "4")
    graders = _graders_while(driver)
    assert driver.returncode == 1
    assert [r["status"] for r in read_csv(out)] == ["timed out"]
    assert "within 4 s" in json.loads((out / "s1" / "results.json").read_text())["output"]
    assert graders and not running(graders)


def _graders_while(driver: subprocess.Popen) -> set[int]:
    """Every grading process seen while `driver` ran (it has ended when this returns)."""
    seen: set[int] = set()
    while driver.poll() is None:
        seen.update(graders_of(driver.pid))
        time.sleep(0.1)
    driver.communicate()
    return seen


def test_ctrl_c_stops_the_gradings_and_still_writes_the_outputs(tmp_path: Path) -> None:
    source, out = _class(tmp_path / "class", ["s1", "s2"]), tmp_path / "out"
    driver = start_regrade(source, out, "--tests", str(FIXTURES / "sleep"), "--jobs", "1")
    deadline = time.monotonic() + 120
    while not (graders := graders_of(driver.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(2)  # into the sleeping check
    driver.send_signal(signal.SIGINT)
    _, stderr = driver.communicate(timeout=120)
    assert driver.returncode == 130, stderr[-3000:]
    assert "run the same command again" in stderr
    assert [(r["submission_id"], r["status"]) for r in read_csv(out)] == [("s1", "not graded"),
                                                                          ("s2", "not graded")]
    assert (out / "report.html").is_file() and gradings(out) == []
    assert graders and not running(graders)
