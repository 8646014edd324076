"""The trust boundary: every line of the engine that touches student code or data coming back from it.

What it guarantees (see README, Security):

- Student code runs only in a worker process (`worker`), confined by `sandbox` (an unprivileged
  user when the grader is root, resource limits, no network, seccomp, its own copies of the engine
  and the submission), never in the grader process that holds expected values and writes
  results.json.
- Only plain data crosses, in both directions (`wire`: JSON plus raw tensor bytes, strict decoding,
  never pickle); sympy answers cross as whitelisted trees (`symbolic`), never as text to parse.
- `student` is the one seam checks call: deadlines enforced from outside, a worker that dies or
  hangs is killed with everything it started and replaced, and every failure becomes a
  `CheckFailed` whose message holds no text chosen by student code.
- Submissions are read, never run, in the grader (`submission`, `notebook`, `notebook_rules`):
  notebooks are reduced to their definitions by parsing; `provenance` maps errors back to the
  files as the student named them.
"""
