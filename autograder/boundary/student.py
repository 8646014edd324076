"""The one seam between graded checks and student code.

Checks call `student.lab2.factorize(X, 2)`; behind that, `Student` sends the call
as plain data to a worker process (`autograder.boundary.worker`), waits for the reply under a deadline it
enforces from outside, and hands back a value rebuilt from plain data. The worker runs confined
(`autograder.boundary.sandbox.confine`: limits, no network, a sandbox user when the grader is root) on copies of
the engine and the submission (`autograder.boundary.sandbox`); a watchdog here kills it when its memory or
files grow past their caps. A worker that times out or dies is killed with every process it
started and replaced for the next call.

What comes back (an `Outcome`, or the `CheckFailed` subclass a failed call raises) is read in
`autograder.boundary.replies`.
"""
from __future__ import annotations

import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from autograder.boundary import framing, wire
from autograder.boundary.provenance import explain
from autograder.boundary.replies import (
    CallOptions, LookupCrashed, MissingFunction, MissingSubmission, Mutations, Outcome, StudentError,
    StudentTimeout, WorkerCrashed, WorkerStartError, failure_from_payload, outcome_from_reply,
)
from autograder.errors import CheckFailed
from autograder.boundary.sandbox import Limits, Sandbox, Watchdog, reap_all
from autograder.boundary.sandbox.template import ForkedWorker, TemplateError, template_for
from autograder.boundary.submission import Submission

ENGINE_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 180.0
LOG_TAIL_CHARS = 2_000
_GPU_DEVICES = ("/dev/nvidiactl", "/dev/nvidia0", "/dev/kfd")
# Confine first (still single-threaded, before torch or any student file is imported), then serve.
_BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); from autograder.boundary.sandbox import confine; "
         "applied = confine.enter(sys.argv[2]); from autograder.boundary.worker import main; "
         "main(sys.argv[3:], applied)")
_SIGNAL_MEANINGS = {
    "SIGXCPU": "it used more CPU time than a call may",
    "SIGXFSZ": "it wrote a file (or output) larger than allowed",
    "SIGSYS": "it made a system call the sandbox forbids",
    "SIGKILL": "it was killed, most likely for using too much memory",
}
_IMPORT_FAILURES = {StudentTimeout: "did not finish before the deadline",
                    WorkerCrashed: "crashed the process running it"}


__all__ = ["CallOptions", "LookupCrashed", "MissingFunction", "MissingSubmission", "Mutations", "Outcome",
           "Student", "StudentError", "StudentTimeout", "WorkerCrashed", "WorkerStartError",
           "reap_all"]


# ------------------------------------------------------------------ the seam
class Student:
    """Calls into the submission, one worker process at a time.

    `limits` caps each worker (default: `Limits.from_env()`); `isolate` runs it as a sandbox user
    (default: exactly when the grader runs as root).
    """

    def __init__(self, submission: Submission, *, call_timeout: float = 60.0,
                 device: str = "cpu", workdir: Path | None = None,
                 limits: Limits | None = None, isolate: bool | None = None) -> None:
        self.submission = submission
        self.call_timeout = call_timeout
        self.device = device
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="autograder-worker-")
        self.workdir = Path(workdir or self._tmp.name)
        self._log_path = self.workdir / "worker-output.log"
        self.sandbox = Sandbox(dict(submission.files), submission.root, limits=limits, isolate=isolate)
        self.confinement: dict[str, Any] = {}  # what the last worker applied to itself
        self._process: subprocess.Popen | ForkedWorker | None = None
        self._watchdog: Watchdog | None = None
        self._to_worker = self._from_worker = -1
        self._imported: set[str] = set()            # modules known to import within a deadline
        self._unimportable: dict[str, CheckFailed] = {}  # modules whose import hung or crashed
        self._timed_out: dict[str, StudentTimeout] = {}  # "module.function" -> its first timeout
        self._unfindable: dict[str, WorkerCrashed] = {}  # "module.function" -> its lookup's crash
        self._progress: set[str] = set()  # what the worker reported of the current call
        self._worker_modules: set[str] = set()  # modules the current worker has imported
        self.call_budgets: dict[str, float] = {}  # "module.function" -> its deadline, when known
        self.call_times: dict[str, float] = {}    # "module.function" -> its slowest good call (s)
        self._last_call_s = 0.0

    def __getattr__(self, name: str) -> "_ModuleProxy":
        if name.isidentifier() and not name.startswith("_"):  # `student.<module key>`
            return _ModuleProxy(self, name, CallOptions())
        raise AttributeError(name)

    def options(self, *, timeout: float | None = None, device: str | None = None, seed: int = 0,
                probe: tuple[Any, ...] = (), changes_models: bool = False) -> "_OptionsView":
        """The same seam with a per-call deadline, device ("cpu"/"cuda"), seed, probe inputs for
        returned modules, or leave to change model arguments (see `CallOptions`)."""
        return _OptionsView(self, CallOptions(timeout, device, seed, tuple(probe), changes_models))

    def call(self, module: str, function: str, *args: Any, **kwargs: Any) -> Outcome:
        return self.call_with(CallOptions(), module, function, args, kwargs)

    def call_with(self, options: CallOptions, module: str, function: str,
                  args: tuple[Any, ...], kwargs: dict[str, Any]) -> Outcome:
        path = self._file(module, f"{module}.py", f"so {module}.{function} could not be graded")
        if module in self._unimportable:  # importing it again would only hang or crash again
            failure = self._unimportable[module]
            raise type(failure)(f"{module}.{function} was not run: {failure.message}",
                                detail=failure.detail)
        what = f"{module}.{function}"
        if what in self._timed_out:  # it would most likely run out of time again: fail at once
            raise StudentTimeout(f"{what} was not run again: {self._timed_out[what].message} "
                                 "on an earlier call, so its remaining calls fail at once")
        if what in self._unfindable:  # a lookup sees no argument: it would crash again
            failure = self._unfindable[what]
            raise LookupCrashed(f"{what} was not run again: {failure.message} on an earlier call, "
                                "so its remaining calls fail at once", detail=failure.detail)
        request = {"op": "call", "module": module, "path": str(path), "function": function,
                   "args": list(args), "kwargs": kwargs, "seed": options.seed,
                   "device": options.device or self.device, "probe": list(options.probe),
                   "changes_models": options.changes_models}
        imported_before = module in self._imported
        try:
            reply = self._roundtrip(request, what, options.timeout or self.call_budgets.get(what))
        except (StudentTimeout, WorkerCrashed) as failure:
            if module not in self._imported:
                self._unimportable[module] = type(failure)(
                    f"importing {module}.py {_IMPORT_FAILURES[type(failure)]}", detail=failure.detail)
                raise self._unimportable[module] from None
            if isinstance(failure, StudentTimeout):
                self._timed_out[what] = failure
            elif isinstance(failure, LookupCrashed):
                self._unfindable[what] = failure
            raise
        if imported_before:  # a call that also imported the file is not a time of the function
            self.call_times[what] = max(self.call_times.get(what, 0.0), self._last_call_s)
        return outcome_from_reply(reply, what)

    def run_task(self, task: str, key: str, **kwargs: Any) -> Any:
        """Run the worker task `task` ("autograder.module:function", see `autograder.tasks`) on the
        submitted file `key` in a fresh worker (never here) and return its plain data. Fresh, and
        without the submission's folder on its import path: no student code runs in it, so its
        error messages carry nothing student code may have seen (a hidden input)."""
        path = self._file(key, key, "")
        self._kill()
        self._ensure_worker(import_submission=False)
        request = {"op": "task", "name": task, "path": str(path), "kwargs": kwargs}
        try:
            return self._roundtrip(request, f"reading {key}", None).get("value")
        finally:
            self._kill()  # the next call gets a worker that can import the submission's modules

    def read_checkpoint(self, key: str, **kwargs: Any) -> dict[str, Any]:
        """The checkpoint `key` read without running code (`autograder.deeplearning.checkpoint`), as plain
        tensors: `{"state_dict", "mean", "std", "notes"}`."""
        return self.run_task("autograder.deeplearning.checkpoint:read_checkpoint", key, **kwargs)

    def reset(self) -> None:
        """Kill the worker and everything it started and empty its home: the next call starts
        from nothing (call it between hidden and public checks so that nothing carries over)."""
        self._kill()
        self.sandbox.reset_home()

    def close(self) -> None:
        self._kill()
        self.sandbox.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    # ------------------------------------------------------------------ worker lifecycle
    def _file(self, key: str, name: str, consequence: str) -> Path:
        path = self.sandbox.files.get(key)
        if path is not None:
            return path
        why = "was not found in" if key not in self.submission.files else \
            "could not be read from (not a regular file, or too large)"
        raise MissingSubmission(f"{name} {why} the submission" + (f", {consequence}" if consequence else ""))

    def _roundtrip(self, request: dict[str, Any], what: str, timeout: float | None) -> dict[str, Any]:
        self._ensure_worker()
        timeout = timeout or self.call_timeout
        if self.sandbox.limits.call_s:
            timeout = min(timeout, self.sandbox.limits.call_s)
        request["id"] = secrets.token_hex(8)
        self._progress = set()
        request["cpu_s"] = math.ceil(timeout * self.sandbox.limits.threads) + 5
        started = time.monotonic()
        deadline = started + timeout
        try:
            framing.write_message(self._to_worker, request, deadline=deadline)
            while True:
                tree, buffers = framing.read_message(self._from_worker, deadline=deadline)
                reply = wire.decode(tree, buffers, rebuild_sympy=_student_expr)
                if not (isinstance(reply, dict) and "progress" in reply):
                    break
                if reply.get("id") == request["id"]:
                    self._progress.add(str(reply.get("progress")))
                    if reply.get("progress") == "imported":
                        self._imported.add(request.get("module"))
                        self._worker_modules.add(request.get("module"))
        except framing.Deadline:
            self._kill()
            raise StudentTimeout(f"{what} did not finish within {timeout:g} s and was stopped") from None
        except (framing.PeerClosed, BrokenPipeError, ConnectionResetError):
            in_lookup = request.get("op") == "call" and "found" not in self._progress \
                and request.get("module") in self._worker_modules
            how, detail = self._kill()
            if in_lookup:
                raise LookupCrashed(f"looking up {what} in its file (before calling it) crashed "
                                    f"the process running it ({how})",
                                    detail=detail + self._log_tail()) from None
            raise WorkerCrashed(f"{what} crashed the process running it ({how})",
                                detail=detail + self._log_tail()) from None
        except wire.WireError as error:
            self._kill()
            raise WorkerCrashed(f"{what} sent back data the grader cannot read",
                                detail=str(error)) from None
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool) \
                or reply.get("id") != request["id"]:
            self._kill()
            raise WorkerCrashed(f"{what} sent back a malformed or out-of-turn reply")
        if not reply["ok"]:
            raise self._in_student_terms(failure_from_payload(reply.get("error"), what))
        self._last_call_s = time.monotonic() - started  # the time the deadline measured
        return reply

    def _in_student_terms(self, failure: CheckFailed) -> CheckFailed:
        """The failure with its traceback pointing at the submitted files and notebook cells."""
        if not failure.detail or not self.submission.sources:
            return failure
        return type(failure)(failure.message, detail=explain(failure.detail, self.submission.sources))

    def _ensure_worker(self, *, import_submission: bool = True) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._kill()
        self._worker_modules = set()
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        log = open(self._log_path, "wb")  # a fresh log per worker: its tail explains its crash
        sandbox = self.sandbox
        gpu = self.device != "cpu" and any(os.path.exists(p) for p in _GPU_DEVICES)
        submission = str(sandbox.submission) if import_submission else ""
        try:
            self._process = self._fork_from_template(
                sandbox.worker_config(gpu=gpu), submission, (to_worker_r, from_worker_w, log.fileno()))
            if self._process is None:
                self._process = subprocess.Popen(
                    [sys.executable, "-I", "-B", "-c", _BOOT, str(sandbox.engine),
                     sandbox.worker_config(gpu=gpu), str(to_worker_r), str(from_worker_w), submission],
                    pass_fds=(to_worker_r, from_worker_w), stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, cwd=sandbox.home, env=sandbox.environment(),
                    start_new_session=True)
        finally:
            log.close()
            os.close(to_worker_r)
            os.close(from_worker_w)
        sandbox.leader = self._process.pid
        self._to_worker, self._from_worker = to_worker_w, from_worker_r
        os.set_blocking(self._to_worker, False)
        self._watchdog = Watchdog(sandbox)
        self._watchdog.start()
        try:
            tree, buffers = framing.read_message(self._from_worker,
                                              deadline=time.monotonic() + STARTUP_TIMEOUT_S)
            greeting = wire.decode(tree, buffers)
            if not isinstance(greeting, dict) or greeting.get("ready") is not True:
                raise wire.WireError("unexpected greeting")
            self.confinement = greeting.get("confinement") or {}
            if not (self.confinement.get("seccomp") or self.confinement.get("network_namespace")):
                print("autograder: this kernel allowed neither a network namespace nor a seccomp "
                      "filter: student code runs with the machine's network", file=sys.stderr)
        except (framing.Deadline, framing.PeerClosed, wire.WireError):
            _, detail = self._kill()
            raise WorkerStartError("the process that runs student code could not start: "
                                   + detail + self._log_tail()) from None

    def _fork_from_template(self, config: str, submission: str,
                            fds: tuple[int, int, int]) -> ForkedWorker | None:
        """A worker forked from this process's template (`autograder.boundary.sandbox.template`),
        or None: then a fresh interpreter starts (no template, or it failed)."""
        template = template_for(self.sandbox.limits.threads)
        if template is None:
            return None
        try:
            return template.start_worker(config=config, submission=submission, engine=self.sandbox.engine,
                                         env=self.sandbox.environment(), cwd=self.sandbox.home, fds=fds)
        except TemplateError as error:
            print(f"autograder: {error}; starting a fresh worker instead", file=sys.stderr)
            return None

    def _kill(self) -> tuple[str, str]:
        """Kill the worker, its process group and every process of its user (or session); reap
        it. Returns how it ended: a message safe for any check, and a detail for visible ones."""
        process, self._process = self._process, None
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:
            # Joined, not only told to stop: a watchdog still killing this worker's user after the
            # next worker started (a fork takes milliseconds) would kill that one too.
            watchdog.stop()
            watchdog.join()
        code = process.poll() if process is not None else None
        self.sandbox.kill_all(spare=process.pid if process is not None else None)
        if process is not None:
            process.wait()
            code = process.returncode if code is None else code
        self.sandbox.leader = None
        if watchdog is not None and watchdog.over_disk:
            self.sandbox.reset_home()
        for fd in (self._to_worker, self._from_worker):
            if fd >= 0:
                os.close(fd)
        self._to_worker = self._from_worker = -1
        if watchdog is not None and watchdog.reason:
            return f"it {watchdog.reason}", ""
        if code is None:
            return "it exited", ""
        if code < 0:
            name = _signal_name(-code)
            return _SIGNAL_MEANINGS.get(name, "it was killed"), f"Killed by signal {name}.\n"
        return "it exited", f"Exit status {code}.\n"

    def _log_tail(self) -> str:
        try:
            with open(self._log_path, "rb") as handle:
                handle.seek(max(0, os.fstat(handle.fileno()).st_size - LOG_TAIL_CHARS))
                data = handle.read(LOG_TAIL_CHARS)
        except OSError:
            return ""
        return "Output of the process before it ended:\n" + data.decode("utf-8", "replace") if data else ""


class _OptionsView:
    def __init__(self, student: Student, options: CallOptions) -> None:
        self._student, self._options = student, options

    def __getattr__(self, name: str) -> "_ModuleProxy":
        if name.startswith("problem"):
            return _ModuleProxy(self._student, name, self._options)
        raise AttributeError(name)

    def call(self, module: str, function: str, *args: Any, **kwargs: Any) -> Outcome:
        return self._student.call_with(self._options, module, function, args, kwargs)


class _ModuleProxy:
    """`student.lab1.evaluate(...)`: the value; `.outcome(...)` on the function: the Outcome."""

    def __init__(self, student: Student, module: str, options: CallOptions) -> None:
        self._student, self._module, self._options = student, module, options

    def __getattr__(self, function: str) -> "_FunctionProxy":
        return _FunctionProxy(self._student, self._module, function, self._options)


class _FunctionProxy:
    def __init__(self, student: Student, module: str, function: str, options: CallOptions) -> None:
        self._args = (student, module, function, options)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.outcome(*args, **kwargs).value

    def outcome(self, *args: Any, **kwargs: Any) -> Outcome:
        student, module, function, options = self._args
        return student.call_with(options, module, function, args, kwargs)


# ------------------------------------------------------------------ helpers
def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _student_expr(tree: Any) -> Any:
    from autograder.boundary import symbolic

    return symbolic.StudentExpr(tree)
