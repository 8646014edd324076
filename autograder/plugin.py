"""The project's pytest plugin: options, bookkeeping, and one `TestResult` per graded test.

Registered by `tests/conftest.py` (and by `grade()`); it registers the checks' fixtures
(`autograder/fixtures.py`). It turns each test's outcome into points as
`docs/writing-checks.md` describes, and words the feedback so that hidden checks never reveal more
than their `CheckFailed.message`.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from autograder.assignment import Assignment, AssignmentError, load_assignment
from autograder.decorators import Metadata, metadata_of
from autograder.feedback import Feedback
from autograder.results import (
    DECIMALS, CollectionError, LeaderboardEntry, Results, TestResult, clean_text, docstring_summary,
    first_line, judge,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
_POINT_UNITS = 10 ** DECIMALS


# ----------------------------------------------------------------------------- options
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograder", "ESE 546 autograder")
    group.addoption("--submission", default=None, metavar="PATH",
                    help="the submission folder (default: $AUTOGRADER_SUBMISSION, else .)")
    group.addoption("--data", default=None, metavar="DIR", help="folder of datasets (CIFAR-10)")
    group.addoption("--device", default="auto", choices=("auto", "cpu", "cuda"),
                    help="where student code runs its tensors")
    group.addoption("--eval-limit", type=int, default=None, metavar="N",
                    help="score 5.a on the first N test images only (development)")
    group.addoption("--results-json", default=None, metavar="FILE",
                    help="also write Gradescope's results.json from this run")


@dataclass(frozen=True)
class GradingOptions:
    """What checks may need to know about this run (the `grading_options` fixture)."""

    submission_root: Path
    data_dir: Path | None
    device: str  # "auto", "cpu" or "cuda", as asked for
    eval_limit: int | None  # images 5.a scores on; None: the full test set
    settings: Assignment


def pytest_configure(config: pytest.Config) -> None:
    try:
        settings = load_assignment()
    except AssignmentError as error:
        raise pytest.UsageError(str(error)) from None
    submission = config.getoption("--submission") or os.environ.get("AUTOGRADER_SUBMISSION") or "."
    data = config.getoption("--data") or os.environ.get("AUTOGRADER_DATA")
    eval_limit = config.getoption("--eval-limit")
    eval_limit = settings.problem5.eval_limit if eval_limit is None else eval_limit
    if eval_limit < 0:
        raise pytest.UsageError("--eval-limit must be 0 (the full test set) or positive")
    recorder = recorder_of(config)
    recorder.options = GradingOptions(
        submission_root=Path(submission).resolve(), data_dir=Path(data).resolve() if data else None,
        device=config.getoption("--device"), eval_limit=eval_limit or None, settings=settings)
    config.pluginmanager.register(_CollectionWatcher(recorder), "autograder-collection-watcher")
    from autograder import fixtures  # imported here: it imports this module

    if not config.pluginmanager.is_registered(fixtures):
        config.pluginmanager.register(fixtures, "autograder-fixtures")


# ----------------------------------------------------------------------------- recording
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

    def results(self) -> Results:
        """Results of the selected tests; one that never finished scores 0."""
        for nodeid in self.run_order:
            record = self.records[nodeid]
            if record.result is None:
                record.result = _result(record, "failed", 0.0,
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


def _problem_of(nodeid: str) -> str | None:
    """"problem2" for any test file named like `test_problem2.py`."""
    match = re.search(r"problem(\d+)", Path(nodeid.split("::")[0]).name)
    return f"problem{match.group(1)}" if match else None


def _is_hidden(nodeid: str) -> bool:
    """Tests in a folder named `hidden` (e.g. tests/hidden/) are hidden checks."""
    return "hidden" in Path(nodeid.split("::")[0]).parts[:-1]


class _CollectionWatcher:
    """Records test files that fail to load (that hook gets no config, so an object carries it)."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.passed or report.longrepr is None:
            return
        hidden, problem = _is_hidden(report.nodeid), _problem_of(report.nodeid)
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
            message = "this test file was skipped" + ("" if hidden else f": {first_line(str(reason))}")
        elif hidden:  # the traceback may quote the hidden file's source
            message = "this test file failed to load (the error is shown to the instructor only)"
        else:
            last_line = first_line("\n".join(reversed(str(report.longrepr).splitlines())), 300)
            message = f"this test file failed to load: {last_line.removeprefix('E').strip()}"
        self.recorder.collection_errors.append(CollectionError(report.nodeid, message, problem))


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselection, so every case counts in the split
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    recorder = recorder_of(config)
    settings = recorder.options.settings if recorder.options else load_assignment()
    # Public checks first: a submission that kept a hidden check's inputs (in memory or in a file)
    # could otherwise print them in a later public check's feedback. The sort is stable.
    items.sort(key=lambda item: _is_hidden(item.nodeid))
    cases: dict[tuple[Any, ...], list[pytest.Function]] = defaultdict(list)
    for item in items:
        if not isinstance(item, pytest.Function):
            recorder.configuration_errors.append(f"{item.nodeid}: not a pytest test function")
            continue
        recorder.configuration_errors += [f"{item.nodeid}: {error}" for error in
                                          _metadata_errors(item, metadata_of(item.function), settings)]
        cases[(item.path, item.cls, item.originalname)].append(item)
    if recorder.configuration_errors:
        raise pytest.UsageError("graded tests are misconfigured:\n  "
                                + "\n  ".join(recorder.configuration_errors))
    for group in cases.values():
        meta = metadata_of(group[0].function)
        # Split the weight in whole 10^-4 points, so that the rounded cases add up exactly.
        share, extra = divmod(round(meta.weight * _POINT_UNITS), len(group))
        for index, item in enumerate(group):
            hidden = _is_hidden(item.nodeid)
            default = settings.visibility.hidden if hidden else settings.visibility.public
            recorder.records[item.nodeid] = TestRecord(
                item=item, meta=meta, hidden=hidden, name=_test_name(item, hidden, index, len(group)),
                max_score=(share + (index < extra)) / _POINT_UNITS,
                visibility=meta.visibility or default)


def pytest_collection_finish(session: pytest.Session) -> None:
    recorder = recorder_of(session.config)
    recorder.run_order = [item.nodeid for item in session.items if item.nodeid in recorder.records]


def _metadata_errors(item: pytest.Function, meta: Metadata, settings: Assignment) -> list[str]:
    errors = []
    if meta.number is None:
        errors.append("missing @number(label): every graded test needs its part label")
    elif meta.number not in settings.labels():
        errors.append(f"@number({meta.number!r}) is not a part in assignment.toml")
    if meta.weight is None:
        errors.append("missing @weight(points): every graded test needs its points")
    if "score" in item.fixturenames and not meta.partial_credit:
        errors.append("uses the `score` fixture without @partial_credit")
    if "leaderboard_value" in item.fixturenames and meta.leaderboard is None:
        errors.append("uses the `leaderboard_value` fixture without @leaderboard(name)")
    return errors


def _test_name(item: pytest.Function, hidden: bool, index: int, count: int) -> str:
    doc = docstring_summary(item.function.__doc__) or item.originalname.replace("_", " ")
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return doc
    # A hidden case's pytest id may spell out its input: name it by position instead.
    return f"{doc} (case {index + 1} of {count})" if hidden else f"{doc} [{callspec.id}]"


# ----------------------------------------------------------------------------- outcomes
@pytest.hookimpl(tryfirst=True)  # a firstresult hook: look at the outcome before any report is made
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    recorder = recorder_of(item.config)
    record = recorder.records.get(item.nodeid)
    if record is None:
        return
    record.phases[call.when] = call.excinfo
    if call.when == "teardown":
        record.result = _judge(record, recorder)


def _kind(excinfo: Any) -> str:
    """'skip', 'failure' (the check said no, student errors included) or 'error' (a grader bug)."""
    if excinfo.errisinstance(pytest.skip.Exception):
        return "skip"
    if excinfo.errisinstance((AssertionError, pytest.fail.Exception)):
        return "failure"
    return "error"


def _judge(record: TestRecord, recorder: Recorder) -> TestResult:
    first_of_kind: dict[str, tuple[str, BaseException]] = {}
    for when in ("setup", "call", "teardown"):
        if (excinfo := record.phases.get(when)) is not None:
            first_of_kind.setdefault(_kind(excinfo), (when, excinfo.value))
    verdict = judge(first_of_kind, fraction=record.fraction, hidden=record.hidden,
                    hide_errors=record.meta.hide_errors,
                    description=docstring_summary(record.item.function.__doc__) or record.item.originalname)
    if verdict.internal_error:
        recorder.internal_errors.append(f"{record.item.nodeid}: {verdict.internal_error}")
    return _result(record, verdict.status, verdict.fraction, verdict.output)


def _result(record: TestRecord, status: str, fraction: float, output: str) -> TestResult:
    """The test's entry; the notes of the `feedback` fixture follow the verdict's own text."""
    output = "\n\n".join(text for text in (output, *record.feedback.notes) if text.strip())
    return TestResult(
        name=record.name, number=record.meta.number or "", status=status,
        score=round(record.max_score * fraction, DECIMALS), max_score=record.max_score,
        output=clean_text(output), visibility=record.visibility, nodeid=record.item.nodeid,
        figures=tuple(record.feedback.figures))


# ----------------------------------------------------------------------------- session end
def pytest_sessionfinish(session: pytest.Session) -> None:
    path = session.config.getoption("--results-json")
    if path:
        recorder_of(session.config).plain_run_results().write_atomic(path)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    recorder = recorder_of(config)
    sections = [("autograder: internal errors (grader bugs; tracebacks above)", recorder.internal_errors),
                ("autograder: test files that did not load",
                 [f"{error.nodeid or '<tests>'}: {error.message}" for error in recorder.collection_errors])]
    if recorder.run_order and not any(isinstance(plugin, GradingSession)
                                      for plugin in config.pluginmanager.get_plugins()):
        sections.append(("autograder: scores", recorder.plain_run_results().table().splitlines()))
    for title, lines in sections:
        if lines:
            terminalreporter.section(title)
            for line in lines:
                terminalreporter.write_line(line)
