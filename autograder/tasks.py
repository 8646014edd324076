"""Worker tasks: grader-written functions that must run in the worker because they parse a file
the student submitted (a checkpoint, say), never in the process that holds expected values.

A task is an engine function marked with `@worker_task`, taking the file's path and plain keyword
arguments and returning plain data (what `autograder.boundary.wire` carries). A check runs one with
`student.run_task("autograder.module:function", file_key, **kwargs)`: the worker is fresh and has
never imported the submission, and only marked functions of the engine's own modules can be named.
A task reports an unusable file by raising `autograder.errors.FileRejected`.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
MARK = "__autograder_worker_task__"


def worker_task(function: F) -> F:
    """Mark `function` as one the worker may run for a check (it must live in `autograder.*`)."""
    setattr(function, MARK, True)
    return function


def is_worker_task(function: Any) -> bool:
    return callable(function) and getattr(function, MARK, False) is True
