"""What one pytest session of graded checks learns, kept on the config's stash.

The plugin (`autograder.plugin`) fills it from pytest's hooks, the checks' fixtures
(`autograder.fixtures`) write scores and feedback into it, and `grade()` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from autograder.assignment import Assignment
from autograder.course import AssignmentLayout
from autograder.decorators import Metadata
from autograder.feedback import Feedback
from autograder.results import (
    DECIMALS, CollectionError, LeaderboardEntry, Results, TestResult, clean_text,
)


@dataclass(frozen=True)
class GradingOptions:
    """What checks may need to know about this run (the `grading_options` fixture)."""

    submission_root: Path
    data_dir: Path | None
    device: str  # "auto", "cpu" or "cuda", as asked for
    eval_limit: int | None  # examples checks evaluate on; None: the full data set
    layout: AssignmentLayout

    @property
    def settings(self) -> Assignment:
        return self.layout.settings


@dataclass
class TestRecord:
    """What is known about one graded test item while it runs."""

    item: pytest.Function
    meta: Metadata
    hidden: bool
    name: str
    max_score: float
    visibility: str
    fraction: float | None = None  # set by `score.set`
    leaderboard_value: float | str | None = None  # set by `leaderboard_value.set`
    feedback: Feedback = field(default_factory=Feedback)  # filled through the `feedback` fixture
    phases: dict[str, Any] = field(default_factory=dict)  # "setup"/"call"/"teardown" -> excinfo
    result: TestResult | None = None


@dataclass
class Recorder:
    """Everything one pytest session learns; `grade()` and `--results-json` read it back."""

    options: GradingOptions | None = None
    records: dict[str, TestRecord] = field(default_factory=dict)
    run_order: list[str] = field(default_factory=list)
    collection_errors: list[CollectionError] = field(default_factory=list)
    configuration_errors: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    submission: Any = None  # the Submission, once found
    student: Any = None  # the `student` fixture's seam, once made: reset after a check timed out

    def results(self) -> Results:
        """Results of the selected tests; one that never finished scores 0."""
        for nodeid in self.run_order:
            record = self.records[nodeid]
            if record.result is None:
                record.result = make_result(record, "failed", 0.0,
                                        "This check did not run: grading stopped before it.")
        records = [self.records[nodeid] for nodeid in self.run_order]
        leaderboard = {r.meta.leaderboard: LeaderboardEntry(r.meta.leaderboard, r.leaderboard_value,
                                                            r.meta.leaderboard_order)
                       for r in records if r.meta.leaderboard and r.leaderboard_value is not None}
        return Results(tests=[record.result for record in records],
                       collection_errors=list(self.collection_errors),
                       leaderboard=list(leaderboard.values()),
                       title=self.options.settings.name if self.options else "Autograder")

    def plain_run_results(self) -> Results:
        """Results of a plain pytest run: only the checks it ran (it may be `tests/public` alone,
        so the points of checks it did not run are not reported missing, unlike `grade()`)."""
        results = self.results()
        if self.options is not None:
            touched = {test.number for test in results.tests}
            results.parts = tuple(part for part in self.options.settings.parts if part.label in touched)
        results.notes = [str(note) for note in getattr(self.submission, "notes", None) or []]
        return results


def make_result(record: TestRecord, status: str, fraction: float, output: str, *,
                unscored: str = "") -> TestResult:
    """The test's entry; the notes of the `feedback` fixture follow the verdict's own text."""
    output = "\n\n".join(text for text in (output, *record.feedback.notes) if text.strip())
    return TestResult(
        name=record.name, number=record.meta.number or "", status=status,
        score=round(record.max_score * fraction, DECIMALS), max_score=record.max_score,
        output=clean_text(output), visibility=record.visibility, nodeid=record.item.nodeid,
        figures=tuple(record.feedback.figures), unscored=unscored, tags=record.meta.tags)


_RECORDER_KEY = pytest.StashKey[Recorder]()


def recorder_of(config: pytest.Config) -> Recorder:
    if _RECORDER_KEY not in config.stash:
        config.stash[_RECORDER_KEY] = Recorder()
    return config.stash[_RECORDER_KEY]


class GradingSession:
    """Plugin object `grade()` registers: hands in the submission it found, keeps the records."""

    def __init__(self, submission: Any = None) -> None:
        self.submission = submission
        self.recorder: Recorder | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        self.recorder = recorder_of(config)
        self.recorder.submission = self.submission


