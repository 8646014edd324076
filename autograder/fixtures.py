"""The fixtures graded checks ask for: the seam to student code, the reference, scores, feedback.

Registered by `autograder.plugin` when pytest starts. Each per-test fixture writes into that test's
record in the session's `Recorder` (`autograder.recording`), which becomes points and feedback at
the end of the test.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from autograder.errors import GraderError
from autograder.feedback import Feedback
from autograder.recording import GradingOptions, TestRecord, recorder_of


@pytest.fixture(scope="session")
def grading_options(pytestconfig: pytest.Config) -> GradingOptions:
    options = recorder_of(pytestconfig).options
    assert options is not None, "the autograder plugin was not configured"
    return options


@pytest.fixture(scope="session")
def submission(pytestconfig: pytest.Config, grading_options: GradingOptions,
               tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The student's submission, found once per session (`grade()` hands in the one it found)."""
    recorder = recorder_of(pytestconfig)
    if recorder.submission is None:
        from autograder.boundary.submission import find_submission

        settings = grading_options.settings
        recorder.submission = find_submission(grading_options.submission_root,
                                              tmp_path_factory.mktemp("submission"),
                                              settings.files, settings.notebook_hint)
    return recorder.submission


@pytest.fixture(scope="session")
def student(submission: Any, grading_options: GradingOptions,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The seam to student code: every call runs in a separate worker process."""
    from autograder.boundary.student import Student

    device = grading_options.device
    if device == "auto":
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
    from autograder.call_budgets import call_budgets, read_call_times, record_call_times

    limits = grading_options.settings.limits
    handle = Student(submission, call_timeout=limits.call_timeout_s,
                     device=device, workdir=tmp_path_factory.mktemp("worker"))
    handle.call_budgets = call_budgets(limits, read_call_times(grading_options.layout.tests_dir))
    try:
        yield handle
    finally:
        record_call_times(handle.call_times)
        try:
            handle.close()
        except Exception as error:  # not the last test's fault: log it, do not fail it
            print(f"autograder: closing the student worker failed: {error!r}", file=sys.stderr)


class OracleUnavailable(GraderError):
    """The reference solution is not in this copy (e.g. the student handout)."""


class Oracle:
    """The reference solution, loaded in-process from `reference/<assignment>/<module>.py` on
    first use: `oracle.<module>` for any module the reference folder holds."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise OracleUnavailable(f"the reference solution folder {folder} is missing: hidden "
                                    "checks need it and cannot run from the student handout")
        self._folder = folder
        self._modules: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if not name.isidentifier() or name.startswith("_"):
            raise AttributeError(name)
        if name not in self._modules:
            self._modules[name] = self._load(name)
        return self._modules[name]

    def _load(self, name: str) -> Any:
        import importlib.util

        path = self._folder / f"{name}.py"
        if not path.is_file():
            raise OracleUnavailable(f"the reference solution has no {path.name}")
        module_name = f"_autograder_reference_{self._folder.name}_{name}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # dataclasses and pickling look modules up by name
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[module_name]
            raise
        return module


@pytest.fixture(scope="session")
def oracle(grading_options: GradingOptions) -> Oracle:
    """The reference solution as an oracle for hidden checks: `oracle.<module>.f(...)`."""
    return Oracle(grading_options.layout.reference_dir)


class PartialScore:
    """`score.set(fraction)`: the share of the test's points earned so far (the last call wins)."""

    def __init__(self, record: TestRecord | None) -> None:
        self._record = record

    def set(self, fraction: float) -> None:
        if not _is_finite_number(fraction) or not 0 <= fraction <= 1:
            raise ValueError(f"score.set() needs a fraction in [0, 1], not {fraction!r}")
        if self._record is not None:
            self._record.fraction = float(fraction)


class LeaderboardValue:
    """`leaderboard_value.set(x)`: this test's value (a number or a string) for its column."""

    def __init__(self, record: TestRecord | None) -> None:
        self._record = record

    def set(self, value: float | str) -> None:
        if not (isinstance(value, str) or _is_finite_number(value)):
            raise ValueError(f"a leaderboard value must be a finite number or a string, not {value!r}")
        if self._record is not None:
            self._record.leaderboard_value = value


def _is_finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@pytest.fixture
def score(request: pytest.FixtureRequest) -> PartialScore:
    """Partial credit for a @partial_credit test; never shared between parametrized cases."""
    return PartialScore(recorder_of(request.config).records.get(request.node.nodeid))


@pytest.fixture
def leaderboard_value(request: pytest.FixtureRequest) -> LeaderboardValue:
    return LeaderboardValue(recorder_of(request.config).records.get(request.node.nodeid))


@pytest.fixture
def feedback(request: pytest.FixtureRequest) -> Feedback:
    """Notes and figures for this test's result, shown whether it passes or fails (a hidden
    check must not put its inputs or expected values in them)."""
    record = recorder_of(request.config).records.get(request.node.nodeid)
    return record.feedback if record is not None else Feedback()
