"""The driver's handle on one grading process (`autograder.regrade.grader`), and outcomes.

Both engines grade through it: the local engine keeps `--jobs` of them, a Ray task keeps one per
Ray worker. It starts the process in a session of its own (a Ctrl-C reaches only the driver) with
a temporary folder of its own that other users may pass through but not list (so the sandbox users
of parallel gradings never find each other's copies of a submission), hands it one submission at
a time, and enforces a wall-clock limit from outside: past it, SIGTERM (the grader writes its
placeholder and reaps its sandbox), then SIGKILL, and a fresh process serves the next submission.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from autograder.boundary.sandbox.environment import THREAD_VARIABLES, plain_environment
from autograder.course import COURSE_ROOT
from autograder.regrade.files import passable_folder
from autograder.results import fallback_document

STOP_GRACE_S = 10.0
LOG_TAIL = 20_000

Outcome = dict[str, Any]  # id, status, document (results.json), log, seconds, worker


def failed_outcome(identifier: str, status: str, message: str, *, seconds: float = 0.0,
                   log: str = "", worker: str = "") -> Outcome:
    """An outcome for a grading that did not finish: a valid 0-score results.json saying why."""
    return {"id": identifier, "status": status, "document": fallback_document(message),
            "log": log, "seconds": round(seconds, 3), "worker": worker}


def timeout_message(seconds: float) -> str:
    return (f"**The autograder did not finish grading this submission within {seconds:g} s**, so "
            "this score of 0 is only a placeholder, not a grade. The course staff will look into it.")


def died_message(detail: str) -> str:
    return (f"**The autograder itself failed while grading this submission** ({detail}), so this "
            "score of 0 is only a placeholder, not a grade.")


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


class GradingProcess:
    """One `python -m autograder.regrade.grader` child and the submission it is grading."""

    def __init__(self, options: dict[str, Any], tmp_parent: Path, *, threads: int = 1,
                 gpu: str | None = None) -> None:
        """`gpu`: the one GPU (a CUDA_VISIBLE_DEVICES name) this process and its workers see."""
        self.folder = passable_folder(tmp_parent, "job-")
        self.options, self.gpu = options, gpu
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        # plain variables only: no token of the driver's reaches a grading (whose workers'
        # template is forked from it, see autograder.boundary.sandbox.environment)
        env = dict(plain_environment(os.environ), TMPDIR=str(self.folder))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(COURSE_ROOT), env.get("PYTHONPATH")]))
        for name in THREAD_VARIABLES:
            env.setdefault(name, str(threads))
        if gpu is not None:
            env["CUDA_VISIBLE_DEVICES"] = gpu
        self.log_path = self.folder / "process.log"
        with open(os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "autograder.regrade.grader",
                 json.dumps({**options, "parent": os.getpid()}), str(request_read), str(reply_write)],
                pass_fds=(request_read, reply_write), cwd=COURSE_ROOT, env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                start_new_session=True)
        os.close(request_read)
        os.close(reply_write)
        self.requests = Connection(request_write, readable=False)
        self.replies = Connection(reply_read, writable=False)
        self.task: dict[str, Any] | None = None
        self.started = 0.0

    @property
    def worker(self) -> str:
        return f"pid {self.process.pid}"

    def submit(self, task: dict[str, Any]) -> None:
        """Start grading `task` ({"id", "folder"})."""
        self.task, self.started = task, time.monotonic()
        try:
            self.requests.send_bytes(json.dumps(task).encode("utf-8"))
        except OSError:
            pass  # it died: the reply pipe says so at once

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def collect(self) -> Outcome:
        """The outcome of the current task, once `replies` is readable (a reply, or its death)."""
        task, self.task = self.task, None
        assert task is not None
        try:
            reply = json.loads(self.replies.recv_bytes())
        except (EOFError, OSError, ValueError):
            code = self._reap(STOP_GRACE_S)
            detail = f"the grading process ended: {_describe_exit(code)}"
            return failed_outcome(task["id"], f"grader failed: {detail}", died_message(detail),
                                  seconds=time.monotonic() - self.started, log=self.leftover_log(),
                                  worker=self.worker)
        return reply

    def wait(self, timeout: float) -> Outcome:
        """Block until the current task finishes, or stop the process past `timeout` seconds."""
        assert self.task is not None
        if wait([self.replies], timeout=max(0.0, timeout - self.elapsed())):
            return self.collect()
        return self.time_out(timeout)

    def time_out(self, limit: float) -> Outcome:
        """Stop the process that ran past `limit`; the task's outcome says so."""
        task, self.task = self.task, None
        assert task is not None
        self.stop(busy=True)
        return failed_outcome(task["id"], "timed out", timeout_message(limit),
                              seconds=time.monotonic() - self.started, log=self.leftover_log(),
                              worker=self.worker)

    def alive(self) -> bool:
        return self.process.poll() is None

    def leftover_log(self) -> str:
        """What a grading that never replied left: its own console log and the process's."""
        texts = []
        for path in sorted(self.folder.glob("regrade-*/grader.log")) + [self.log_path]:
            try:
                texts.append(path.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL:])
            except OSError:
                continue
        return "\n".join(texts)

    def _reap(self, grace: float) -> int | None:
        try:
            return self.process.wait(grace)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, *, busy: bool | None = None) -> None:
        """End the process: at end of input if idle, SIGTERM if busy, SIGKILL if it lingers."""
        if self.alive():
            if not (self.task is not None if busy is None else busy):
                self.requests.close()
                if self._reap(STOP_GRACE_S) is not None:
                    return
            try:
                self.process.terminate()
            except ProcessLookupError:
                pass
            if self._reap(STOP_GRACE_S) is None:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                self.process.wait()

    def close(self) -> None:
        """Stop the process and delete its temporary folder."""
        self.stop()
        for connection in (self.requests, self.replies):
            if not connection.closed:
                connection.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def close_all(processes: list[GradingProcess]) -> None:
    """Close several processes at once: every busy one is told to stop before any is waited for."""
    for process in processes:
        if process.task is not None and process.alive():
            try:
                process.process.terminate()
            except ProcessLookupError:
                pass
    for process in processes:
        process.close()
