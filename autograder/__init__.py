"""An autograder for deep-learning courses: finds a submission, runs student code in a worker
process, checks it with pytest (each assignment's `tests/NAME/`), and reports to Gradescope
(`results.json`). The engine names no assignment; `tests/assignments.toml` lists them.

Submodules are imported on demand, so `import autograder` stays cheap (no torch).
"""
