"""Shared self-test settings and fixtures."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from selftests.grading import BatchGrader

# Small suites of graded checks that the engine's self-tests grade on purpose (some fail to import,
# some kill the process); they are inputs, never part of this run.
collect_ignore = ["engine/fixtures"]


@pytest.fixture(scope="module")
def batch_grader() -> Iterator[BatchGrader]:
    """One long-lived grading process for a module's many gradings (see `BatchGrader`)."""
    grader = BatchGrader()
    try:
        yield grader
    finally:
        grader.close()
