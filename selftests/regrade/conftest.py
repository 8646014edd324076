"""The regrade self-tests' settings."""

# Small suites of graded checks that the regrade self-tests grade on purpose (one kills its
# grading process, one sleeps past the time limit); they are inputs, never part of this run.
collect_ignore = ["fixtures"]
