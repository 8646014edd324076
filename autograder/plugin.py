"""The project's pytest plugin: options, and one `TestResult` per graded test.

Registered by `tests/conftest.py` (and by `grade()`); it registers the checks' fixtures
(`autograder.fixtures`) and keeps what it learns in a `Recorder` on the config's stash
(`autograder.recording`). It turns each test's outcome into points as `docs/writing-checks.md`
describes, and words the feedback so that hidden checks never reveal more than their message.
It reads the checks' metadata in gradescope-utils' format (`autograder.decorators`), and arms
pytest-timeout's per-check limit so that a check that hangs scores 0 and grading goes on.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from autograder import fixtures
from autograder.assignment import Assignment, AssignmentError
from autograder.course import assignment_of_path, find_assignment
from autograder.decorators import Metadata, MetadataError, clear_reported, metadata_of, reported
from autograder.errors import DataUnavailable
from autograder.recording import (
    GradingOptions, GradingSession, Recorder, TestRecord, make_result, recorder_of,
)
from autograder.results import DECIMALS, CollectionError, TestResult, docstring_summary, first_line, judge

_POINT_UNITS = 10 ** DECIMALS

CHECK_TIMEOUT_MESSAGE = (
    "This check ran past its {seconds:g}-second limit on the grader's side (the grader's own work, "
    "not a call into your code, which has a deadline of its own) and was stopped, so it scores 0. "
    "This is a problem of the grader, not of your code; the course staff can see it in the "
    "grader's log.")


# ----------------------------------------------------------------------------- options
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograder", "graded checks")
    group.addoption("--assignment", default=None, metavar="NAME",
                    help="the assignment whose checks these are (default: the one the test paths "
                         "lie in, else $AUTOGRADER_ASSIGNMENT, else tests/assignments.toml's default)")
    group.addoption("--submission", default=None, metavar="PATH",
                    help="the submission folder (default: $AUTOGRADER_SUBMISSION, else .)")
    group.addoption("--data", default=None, metavar="DIR",
                    help="folder of the data sets the checks read")
    group.addoption("--device", default="auto", choices=("auto", "cpu", "cuda"),
                    help="where student code runs its tensors")
    group.addoption("--eval-limit", type=int, default=None, metavar="N",
                    help="evaluate on the first N examples only (development)")
    group.addoption("--results-json", default=None, metavar="FILE",
                    help="also write Gradescope's results.json from this run")


def _assignment_name(config: pytest.Config) -> str | None:
    """--assignment, else the one folder of tests/ that every path on the command line lies in."""
    name = config.getoption("--assignment") or None
    if name is None:
        found = {assignment_of_path(Path(arg.split("::")[0])) for arg in config.args}
        if len(found) == 1:
            name = found.pop()
    return name or os.environ.get("AUTOGRADER_ASSIGNMENT") or None


@pytest.hookimpl(tryfirst=True)  # before pytest-timeout reads its settings
def pytest_configure(config: pytest.Config) -> None:
    try:
        layout = find_assignment(_assignment_name(config))
    except AssignmentError as error:
        raise pytest.UsageError(str(error)) from None
    submission = config.getoption("--submission") or os.environ.get("AUTOGRADER_SUBMISSION") or "."
    data = config.getoption("--data") or os.environ.get("AUTOGRADER_DATA")
    eval_limit = config.getoption("--eval-limit")
    eval_limit = layout.settings.data.eval_limit if eval_limit is None else eval_limit
    if eval_limit < 0:
        raise pytest.UsageError("--eval-limit must be 0 (the full data set) or positive")
    recorder = recorder_of(config)
    recorder.options = GradingOptions(
        submission_root=Path(submission).resolve(), data_dir=Path(data).resolve() if data else None,
        device=config.getoption("--device"), eval_limit=eval_limit or None, layout=layout)
    config.pluginmanager.register(_CollectionWatcher(recorder), "autograder-collection-watcher")
    if not config.pluginmanager.is_registered(fixtures):
        config.pluginmanager.register(fixtures, "autograder-fixtures")
    timeout_plugin = config.pluginmanager.get_plugin("timeout")  # pytest-timeout, if loaded
    if timeout_plugin is not None:
        config.pluginmanager.register(_CheckTimer(), "autograder-check-timer")
        if timeout_plugin.get_env_settings(config).timeout is None:  # no --timeout, env or ini
            config.option.timeout = layout.settings.limits.check_timeout_s


# ----------------------------------------------------------------------------- recording
def _problem_of(nodeid: str, settings: Assignment | None) -> str | None:
    """The problem whose checks a test file holds: `test_<problem>.py`, if the settings know it."""
    stem = Path(nodeid.split("::")[0]).stem
    problem = stem.removeprefix("test_")
    return problem if settings is not None and problem in settings.problems() else None


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
        settings = self.recorder.options.settings if self.recorder.options else None
        hidden, problem = _is_hidden(report.nodeid), _problem_of(report.nodeid, settings)
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
    assert recorder.options is not None, "the autograder plugin was not configured"
    settings = recorder.options.settings
    # Public checks first: a submission that kept a hidden check's inputs (in memory or in a file)
    # could otherwise print them in a later public check's feedback. The sort is stable.
    items.sort(key=lambda item: _is_hidden(item.nodeid))
    cases: dict[tuple[Any, ...], list[pytest.Function]] = defaultdict(list)
    for item in items:
        if not isinstance(item, pytest.Function):
            recorder.configuration_errors.append(f"{item.nodeid}: not a pytest test function")
            continue
        try:
            errors = _metadata_errors(item, metadata_of(item.function), settings)
        except MetadataError as error:
            errors = error.problems
        recorder.configuration_errors += [f"{item.nodeid}: {error}" for error in errors]
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
        errors.append(f"@number({meta.number!r}) is not a part in the assignment's settings")
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
@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Take what a check decorated by gradescope-utils passed to `set_score`/`set_leaderboard_value`."""
    record = recorder_of(item.config).records.get(item.nodeid)
    if record is None:
        return (yield)
    clear_reported(record.item.function)
    try:
        return (yield)
    finally:
        _take_reported(record)


def _take_reported(record: TestRecord) -> None:
    points, value = reported(record.item.function)
    if value is not None:
        fixtures.LeaderboardValue(record).set(value)
    weight = record.meta.weight or 0
    if points is None or weight == 0:
        return
    if isinstance(points, bool) or not isinstance(points, (int, float)) \
            or not math.isfinite(points) or not 0 <= points <= weight:
        raise ValueError(f"set_score() needs points between 0 and the weight {weight:g}, not {points!r}")
    record.fraction = points / weight  # of the function's weight: each case of a parametrized one


@pytest.hookimpl(tryfirst=True)  # a firstresult hook: look at the outcome before any report is made
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    recorder = recorder_of(item.config)
    record = recorder.records.get(item.nodeid)
    if record is None:
        return
    record.phases[call.when] = call.excinfo
    if call.excinfo is not None and call.excinfo.errisinstance(CheckTimedOut):
        _reset_student(recorder)
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
    timed_out = [excinfo.value for excinfo in record.phases.values()
                 if excinfo is not None and isinstance(excinfo.value, CheckTimedOut)]
    if timed_out:  # the grader's fault, whatever the student's code did: 0, and the instructor is told
        seconds = timed_out[0].seconds
        recorder.internal_errors.append(f"{record.item.nodeid}: ran past its {seconds:g} s check timeout")
        return make_result(record, "failed", 0.0, CHECK_TIMEOUT_MESSAGE.format(seconds=seconds))
    first_of_kind: dict[str, tuple[str, BaseException]] = {}
    for when in ("setup", "call", "teardown"):
        if (excinfo := record.phases.get(when)) is not None:
            first_of_kind.setdefault(_kind(excinfo), (when, excinfo.value))
    verdict = judge(first_of_kind, fraction=record.fraction, hidden=record.hidden,
                    hide_errors=record.meta.hide_errors,
                    description=docstring_summary(record.item.function.__doc__) or record.item.originalname)
    if verdict.internal_error:
        recorder.internal_errors.append(f"{record.item.nodeid}: {verdict.internal_error}")
    failure = first_of_kind.get("failure")
    unscored = failure[1].advice if failure and isinstance(failure[1], DataUnavailable) else ""
    return make_result(record, verdict.status, verdict.fraction, verdict.output, unscored=unscored)


# ----------------------------------------------------------------------------- check timeout
class CheckTimedOut(BaseException):
    """A check ran past its time limit. A BaseException, so that no `except Exception` in the
    check's own code (a sympy fallback, a cleanup) can swallow it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the check ran past its {seconds:g} s time limit")
        self.seconds = seconds


class _CheckTimer:
    """pytest-timeout's timer for graded checks (registered only when pytest-timeout is loaded).

    pytest-timeout resolves each check's limit (a `timeout` mark, else --timeout, PYTEST_TIMEOUT or
    the ini's `timeout`, else the assignment's `limits.check_timeout_s`, set in pytest_configure);
    this hook arms it. Its own signal handler would fail the check as if the student's code were
    wrong, and its thread method ends the whole grading process; this raises `CheckTimedOut` by
    SIGALRM in the main thread instead, so the check scores 0 and grading goes on.
    """

    @pytest.hookimpl(tryfirst=True)
    def pytest_timeout_set_timer(self, item: pytest.Item, settings: Any) -> bool | None:
        if item.nodeid not in recorder_of(item.config).records:
            return None  # not a graded check: pytest-timeout's own timer
        if threading.current_thread() is not threading.main_thread():
            print(f"autograder: {item.nodeid} runs outside the main thread, without its "
                  f"{settings.timeout:g} s check timeout", file=sys.stderr)
            return True
        seconds = settings.timeout

        def expire(signum: int, frame: Any) -> None:
            from pytest_timeout import is_debugging

            if settings.disable_debugger_detection or not is_debugging():
                raise CheckTimedOut(seconds)

        previous = signal.signal(signal.SIGALRM, expire)
        outer_left, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
        started = time.monotonic()

        def cancel() -> None:  # called by pytest-timeout's cancel hook; restores any outer timer
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
            if outer_left:
                signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 1e-3))

        item.cancel_timeout = cancel  # type: ignore[attr-defined]
        return True


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Any:
    """Keep the session's `student` seam, for `_reset_student` (a check may reach it only through
    another fixture that a timeout stops halfway, before the check itself ever holds it)."""
    value = yield
    if fixturedef.argname == "student":
        recorder_of(request.config).student = value
    return value


def _reset_student(recorder: Recorder) -> None:
    """A check stopped mid-call leaves the worker computing a reply that no one will read (and a
    half-read message on the pipe): kill it, so that the next call starts a fresh one."""
    if recorder.student is None:
        return
    try:
        recorder.student.reset()
    except Exception as error:  # the next call will say what is wrong with the worker
        print(f"autograder: resetting the student worker after a timeout failed: {error!r}",
              file=sys.stderr)


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
