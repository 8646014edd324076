"""The self-tests' small course is grading input (its checks need a submission), never part of
a self-test run; selftests/engine/test_second_assignment.py grades it in a course of its own."""

collect_ignore = ["reference", "student_template", "tests"]
