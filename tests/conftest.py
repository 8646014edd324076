"""Graded checks: the autograder's pytest plugin provides their options and fixtures."""

import sys
from pathlib import Path

_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:  # `pytest tests/...` run without installing the autograder
    sys.path.insert(0, _REPO_ROOT)

pytest_plugins = ["autograder.plugin"]
