"""`python -m autograder regrade`: grade a whole class, in parallel and resumably (docs/regrade.md).

Every submission is graded exactly as `python -m autograder grade` grades it (`grade()`, same
checks, same sandbox, same scores), never in the driver process that writes the outputs.

    source       what to grade: a Gradescope export (zip or folder; its YAML read with
                 safe_load only) or a folder of submission folders
    archive      unpacking a zip as hostile input (no traversal, no links, size caps)
    manifest     hashes of each submission and of the grader: what a re-run may skip
    grader       the grading process: `grade()` in a loop, one submission per request
    process      the driver's handle on a grading process: start, hand over, time out, stop
    local        the local engine: --jobs grading processes on this machine
    ray_engine   the Ray engine: one Ray task per submission, on an embedded Ray or a cluster
    scores       scores.csv, one row per student
    report       report.html, self-contained
    files        atomic writes and private folders
    run          the driver: plan, dispatch, record each outcome as it lands
    command      the command line
"""
