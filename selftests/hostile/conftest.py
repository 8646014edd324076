"""The cases are submissions to grade, never test modules (one ships its own conftest.py)."""

collect_ignore = ["cases"]
