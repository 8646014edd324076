"""The two kinds of failure, told apart by type, never by message text.

- `GraderError`: the grader failed (its settings, its checks, the machine). Always the course's
  fault: `grade` writes a placeholder results.json that says so, and the instructor sees why.
- `CheckFailed`: the student's code failed a check (a wrong answer, a crash, a timeout, a missing
  file). It is an `AssertionError`, so pytest counts it as the check saying no; the check scores 0
  (or its partial credit) and the student sees its `message` (and, for public checks, `detail`).

`DataUnavailable` is a `CheckFailed` whose cause is neither: the data the check scores on is not on
this machine. It scores 0 like any failed check, and `check` on a student's machine reports the
part as not scored there instead of as lost.

This module imports nothing, so every layer of the engine can raise these.
"""

from __future__ import annotations


class GraderError(RuntimeError):
    """Grading could not finish: a failure of the grader, never of the student's code."""


class ConfigurationError(GraderError):
    """The graded checks disagree with the assignment's settings (a maintainer's mistake)."""


class CheckFailed(AssertionError):
    """A property of the student's answer does not hold: the check fails (it is not a grader bug).

    `message` is shown for every check, hidden ones included, so it must never hold a hidden input,
    an expected value or text chosen by student code; `detail` is shown for public checks only.
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message if detail is None else f"{message}\n\n{detail}")
        self.message = message
        self.detail = detail


class DataUnavailable(CheckFailed):
    """The data set a check scores on is not on this machine. `message` is for Gradescope (where
    it is the staff's problem); `advice` is what a student running `check` locally should do."""

    def __init__(self, message: str, detail: str | None = None, *, advice: str) -> None:
        super().__init__(message, detail)
        self.advice = advice


class FileRejected(Exception):
    """A worker task found a student's file unusable (a checkpoint that would run code, say).

    Raised in the worker by grader-written code that never ran student code, so its message is the
    grader's own words and may be shown to the student.
    """
