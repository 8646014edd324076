"""`scores.csv`: one row per student, ready for a gradebook import.

Columns: the submission id, the student's name, SID and email (from the export's metadata; empty
for a plain folder), one column per part label (points earned, summed over the part's checks),
the total (results.json's score, as Gradescope counts it) and the status ("ok", "grader failed:
...", "timed out", or why the submission was not graded). A group submission gives one row per
member, with the same scores. A submission whose grading did not finish has empty score cells, so
that an import never mistakes a placeholder 0 for a grade.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.regrade.files import write_text_atomic
from autograder.regrade.source import Entry, Submitter

FIXED = ("submission_id", "name", "sid", "email")
DECIMALS = 4


@dataclass(frozen=True)
class Graded:
    """Where one submission stands after this run."""

    entry: Entry
    status: str
    document: dict[str, Any] | None = None
    seconds: float | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.document is not None


def format_number(value: float) -> str:
    text = f"{round(float(value), DECIMALS) + 0.0:.{DECIMALS}f}"
    return text.rstrip("0").rstrip(".")


def _sum_by_part(document: dict[str, Any], key: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    for test in document.get("tests", []):
        label = str(test.get("number", ""))
        totals[label] = totals.get(label, 0.0) + float(test.get(key, 0.0))
    return totals


def part_scores(document: dict[str, Any]) -> dict[str, float]:
    """Part label -> points earned, summed over its tests."""
    return _sum_by_part(document, "score")


def part_maxima(document: dict[str, Any]) -> dict[str, float]:
    """Part label -> points it is worth, summed over its tests."""
    return _sum_by_part(document, "max_score")


def rows(graded: list[Graded], labels: list[str]) -> list[list[str]]:
    """The CSV's rows (header first)."""
    table = [[*FIXED, *labels, "total", "status"]]
    for item in graded:
        if item.ok:
            assert item.document is not None
            earned = part_scores(item.document)
            scores = [format_number(earned.get(label, 0.0)) for label in labels]
            total = format_number(item.document.get("score", 0.0))
        else:
            scores, total = [""] * len(labels), ""
        for person in item.entry.submitters or (Submitter(),):
            table.append([item.entry.id, person.name, person.sid, person.email, *scores, total,
                          item.status])
    return table


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (names come from students)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def render(graded: list[Graded], labels: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows(graded, labels):
        writer.writerow([_cell(cell) for cell in row])
    return buffer.getvalue()


def write_scores(path: Path, graded: list[Graded], labels: list[str]) -> None:
    write_text_atomic(path, render(graded, labels))
