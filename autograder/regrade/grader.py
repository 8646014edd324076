"""The grading process: `grade()` in a loop, one submission per request, for as long as it lives.

The regrade driver never grades in its own process: it starts these (`python -m
autograder.regrade.grader OPTIONS REQUEST_FD REPLY_FD`, one per job, or one per Ray worker) and
sends each a submission folder at a time. A process that grades many submissions in turn keeps its
imports (torch, torchvision, sympy: seconds per submission) and its compiled checks, with the
expected values their caches hold (functions of the checks' own inputs: the grader's seeded models,
the selected test images, the oracle's answers), so those are computed once per process, not once
per submission. Nothing of a submission is kept: `grade()` gives every submission a fresh sandboxed
worker for student code and fresh temporary folders, no student value ever reaches a cache, and the
process holds nothing of a submission once its reply is sent. Its console output for each grading
goes to a log that comes back in the reply.

Requests and replies are length-prefixed JSON (`multiprocessing.connection` framing, never
pickle). The process ends at end of input, on SIGTERM (after pytest has closed the sandbox and
`grade()` has written its placeholder), and when its parent dies (PR_SET_PDEATHSIG sends that
SIGTERM), so a killed driver leaves no grading behind.
"""
from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1
LOG_LIMIT = 1 << 20  # bytes of a grading's console output kept for the instructor


def _die_with_parent(parent: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the call above
        raise SystemExit(143)


_stopping = False
STOP_GRACE_S = 15.0  # after SIGTERM, how long a clean stop may take before the process just ends


def _end_after_grace() -> None:
    """The backstop of a stop: kill this process's students, then end without cleaning up."""
    time.sleep(STOP_GRACE_S)
    try:
        from autograder.boundary.sandbox import reap_all

        reap_all()
    finally:
        os._exit(128 + signal.SIGTERM)


def _terminate(signum: int, frame: Any) -> None:
    """SIGTERM: stop like Ctrl-C would. pytest ends the session (its fixtures close the sandbox),
    `grade()` writes its placeholder, and the loop ends instead of taking the next request. A stop
    that takes longer than STOP_GRACE_S (a busy machine, a check that swallows the interrupt) ends
    the process anyway, so a killed driver never leaves a grading behind."""
    global _stopping
    if not _stopping:
        threading.Thread(target=_end_after_grace, name="regrade-stop", daemon=True).start()
    _stopping = True
    raise KeyboardInterrupt


def failure_summary(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0][:300]


def grade_one(request: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Grade `request["folder"]` with `grade()` in a private temporary folder; the reply holds
    the results.json document, the status and the console log."""
    from autograder.grade import grade

    workdir = Path(tempfile.mkdtemp(prefix="regrade-"))
    results_path, log_path = workdir / "results.json", workdir / "grader.log"
    started = time.monotonic()
    status = "ok"
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    try:
        grade(request["folder"], results_path, data_dir=options.get("data"),
              device=options.get("device", "auto"), eval_limit=options.get("eval_limit"),
              only=options.get("only"), tests_root=options.get("tests"),
              assignment=options.get("assignment"), keep_checks_loaded=True)
    except Exception as error:  # grade() has written its 0-score placeholder
        import traceback

        traceback.print_exc()
        status = f"grader failed: {failure_summary(error)}"
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, log_fd):
            os.close(fd)
    try:
        document = json.loads(results_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        from autograder.results import fallback_document

        status = f"grader failed: no results.json ({failure_summary(error)})"
        document = fallback_document(f"**The autograder itself failed** ({status}).")
    log = _tail(log_path)
    shutil.rmtree(workdir, ignore_errors=True)
    return {"id": request["id"], "status": status, "document": document, "log": log,
            "seconds": round(time.monotonic() - started, 3), "worker": f"pid {os.getpid()}"}


def _tail(path: Path) -> str:
    """The last LOG_LIMIT bytes of the log, as text."""
    with open(path, "rb") as stream:
        size = stream.seek(0, os.SEEK_END)
        stream.seek(max(0, size - LOG_LIMIT))
        text = stream.read().decode("utf-8", errors="replace")
    return text if size <= LOG_LIMIT else f"[... {size - LOG_LIMIT:,} bytes cut]\n{text}"


def serve(options: dict[str, Any], requests: Connection, replies: Connection) -> None:
    while not _stopping:
        try:
            request = json.loads(requests.recv_bytes())
        except EOFError:
            return
        reply = grade_one(request, options)
        if _stopping:
            return
        replies.send_bytes(json.dumps(reply, allow_nan=False).encode("utf-8"))


def main(argv: list[str]) -> int:
    options = json.loads(argv[0])
    _die_with_parent(int(options["parent"]))
    from autograder.boundary.sandbox.template import fork_early

    fork_early()  # before any submission or check: every grading's workers fork from it
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides; it stops us with SIGTERM
    try:
        serve(options, Connection(int(argv[1]), writable=False), Connection(int(argv[2]), readable=False))
    except KeyboardInterrupt:
        return 128 + signal.SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
