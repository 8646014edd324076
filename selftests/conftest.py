"""Shared self-test settings."""

# Small suites of graded checks that the engine's self-tests grade on purpose (some fail to import,
# some kill the process); they are inputs, never part of this run.
collect_ignore = ["engine/fixtures"]
