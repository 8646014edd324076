"""A whole class regraded like `grade` grades each submission, and resumed after a SIGKILL.

A fake Gradescope export built from the repository's own HW2 folders (the reference, the template,
the bundled example, a broken one with a syntax error, and a group submission of two) is graded on
HW2's two quickest problems. One test, so that the costly gradings are shared by every claim:
each row of scores.csv equals `python -m autograder grade` on the same folder; a re-run grades
nothing; a run with --jobs 1 killed with SIGKILL mid-batch and resumed ends with the same outputs
as the uninterrupted --jobs 2 run (timing fields aside), without grading anything twice.
"""
from __future__ import annotations

import json
import os
import re
import signal
import time
from collections import Counter
from pathlib import Path

from autograder.regrade.report import check_name
from selftests.grading import grade_folder, part_scores
from selftests.regrade.kit import (
    CLASS, FAST, gradings, graders_of, make_export, make_folder, manifest_without_timing, read_csv, regrade,
    start_regrade, wait_until_ended, without_timing, zip_folder,
)

KINDS = ("reference", "template", "example", "broken")


def _outputs(out: Path) -> dict:
    report = (out / "report.html").read_text()
    return {"csv": (out / "scores.csv").read_text(),
            "manifest": manifest_without_timing(out),
            "report": re.sub(r'<p class="muted timing">.*?</p>', "", report),
            "results": {folder.name: without_timing(json.loads((folder / "results.json").read_text()))
                        for folder in sorted(out.iterdir()) if (folder / "results.json").is_file()}}


def test_a_class_regrades_like_grade_and_resumes_after_a_kill(tmp_path: Path) -> None:
    export = make_export(tmp_path / "export")
    archive = zip_folder(export, tmp_path / "export.zip", "assignment_77_export")
    single = {kind: grade_folder(make_folder(kind, tmp_path / "single" / kind),
                                 tmp_path / "single" / f"{kind}.json", *FAST) for kind in KINDS}

    # --jobs 2, from the zip
    first = tmp_path / "first"
    completed = regrade(archive, first, "--jobs", "2", *FAST)
    assert completed.returncode == 0, completed.stderr[-4000:]
    rows = read_csv(first)
    expected_rows = [(name[len("submission_"):], person) for name, (_, people) in CLASS.items()
                     for person in people]
    assert [(r["submission_id"], (r["name"], r["sid"].lstrip("'"), r["email"])) for r in rows] == \
        expected_rows
    assert rows[1]["sid"] == "'=1+1"  # a cell a spreadsheet would run is defused
    for row in rows:
        kind = CLASS[f"submission_{row['submission_id']}"][0]
        expected = part_scores(single[kind])
        assert {label: float(row[label]) for label in expected} == \
            {label: score for label, (score, _) in expected.items()}, row
        assert float(row["total"]) == single[kind]["score"] and row["status"] == "ok"
    by_id = {row["submission_id"]: row for row in rows}
    assert float(by_id["1004"]["2.a"]) == 0 and float(by_id["1004"]["6.a"]) == 5  # the syntax error
    for name, (kind, _) in CLASS.items():
        document = json.loads((first / name[len("submission_"):] / "results.json").read_text())
        reference = {k: v for k, v in single[kind].items() if k != "_stdout"}
        assert without_timing(document) == without_timing(reference), name

    # the report names the check failed most often
    failures: Counter[tuple[str, str]] = Counter()
    for name in CLASS:
        document = json.loads((first / name[len("submission_"):] / "results.json").read_text())
        failures.update({(t["number"], check_name(t["name"])) for t in document["tests"]
                         if t["score"] < t["max_score"]})
    (part, check), hits = min(failures.items(), key=lambda pair: (-pair[1], pair[0]))  # ties: by name
    report = (first / "report.html").read_text()
    top_row = report[report.index("Checks failed most often"):].split("<tr>")[2]
    assert f"<td>{part}</td>" in top_row and f"{hits} of 5" in top_row
    assert f"<td>{check.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</td>" \
        in top_row and "data:image/png;base64," in report

    # a re-run grades nothing
    again = regrade(archive, first, "--jobs", "2", *FAST)
    assert again.returncode == 0 and "0 graded now, 5 already up to date" in again.stdout
    assert sorted(gradings(first)) == ["1001", "1002", "1003", "1004", "1010"]

    # --jobs 1 from the unpacked export, killed after its first grading, then resumed
    second = tmp_path / "second"
    driver = start_regrade(export, second, "--jobs", "1", *FAST)
    deadline = time.monotonic() + 300
    while len(gradings(second)) < 1 and time.monotonic() < deadline and driver.poll() is None:
        time.sleep(0.2)
    graders = graders_of(driver.pid)
    os.kill(driver.pid, signal.SIGKILL)
    driver.communicate()
    assert 1 <= len(gradings(second)) < 5, "the kill came too late to interrupt the batch"
    assert graders, "the driver graded in its own process"
    assert not wait_until_ended(graders, 30), "a grading outlived its driver"
    finished = gradings(second)
    resumed = regrade(export, second, "--jobs", "1", *FAST)
    assert resumed.returncode == 0, resumed.stderr[-4000:]
    assert f"{5 - len(finished)} graded now, {len(finished)} already up to date" in resumed.stdout
    log = gradings(second)
    assert sorted(log) == ["1001", "1002", "1003", "1004", "1010"], log  # nothing graded twice
    assert _outputs(second) == _outputs(first)
