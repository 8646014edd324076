"""The trust boundary around student code: who runs it, what it can reach, how it ends.

When the grader runs as root (Gradescope, CI), each `Student` takes one of a few dedicated
unprivileged users (`autograder-student`, `autograder-student1`, ...; a lock file per user keeps
parallel graders apart) and gets a fresh folder: a read-only copy of the engine package and of the
submission's files, and a home the worker owns. The repository's other contents (reference
solutions, hidden checks, self-tests, git history) are made unreadable to other users. Processes
of the sandbox user are found by user id, so a `setsid` double fork cannot hide from `kill_all`;
`reap_all()` kills every worker of this grader before the final results are written.

Run by an ordinary user (a student's `check`), the worker is still a separate process with the
same limits, seccomp filter and plain-data channel, but it runs as that user: it could read what
that user can read, and a process that leaves the worker's session survives it.

    machine     root's setup: the users, the repository locked down, one user per grader
    workspace   `Sandbox` (folders, limits, environment), `Watchdog`, `reap_all`
    procfs      finding the sandbox's processes and files from /proc, killing, measuring
    confine     the worker's side: limits, network, seccomp, user switch (runs in the child)
    template    workers forked from a process that imported torch once, holding nothing secret
    template_process   what runs in that process and its forks
    environment the workers' fixed environment; which grader environments may fork a template

`python -m autograder.boundary.sandbox setup` does root's setup once (setup.sh); `... limits` prints the
limits in force (set them with AUTOGRADER_WORKER_<NAME>, e.g. AUTOGRADER_WORKER_MEMORY_MB=2048).
AUTOGRADER_FRESH_WORKERS=1 starts every worker as a fresh interpreter instead of a fork of the
template (slower by torch's import at every worker start; the same confinement either way).
"""
from __future__ import annotations

from autograder.boundary.sandbox.machine import SANDBOX_USER, SLOTS, SandboxError, lock_down, setup
from autograder.boundary.sandbox.procfs import kill_matching, process_info, processes
from autograder.boundary.sandbox.workspace import Limits, Sandbox, Watchdog, reap_all

__all__ = ["Limits", "SANDBOX_USER", "SLOTS", "Sandbox", "SandboxError", "Watchdog", "kill_matching",
           "lock_down", "process_info", "processes", "reap_all", "setup"]
