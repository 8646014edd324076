"""ESE 546 Homework 2 autograder: finds a submission, runs student code in a worker process,
checks it with pytest (`tests/`), and reports to Gradescope (`results.json`).

Submodules are imported on demand, so `import autograder` stays cheap (no torch).
"""
