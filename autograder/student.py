"""The one seam between graded checks and student code.

Checks call `student.problem2.optimal_factorization(X, 2)`; behind that, `Student` sends the call
as plain data to a worker process (`autograder.worker`), waits for the reply under a deadline it
enforces from outside, and hands back a value rebuilt from plain data. A worker that times out or
dies is killed with its whole process group and replaced for the next call.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import wire
from autograder.checks import CheckFailed
from autograder.submission import Submission

ENGINE_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 180.0
LOG_TAIL_CHARS = 2_000
_BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from autograder.worker import main; main(sys.argv[2:])"


# ------------------------------------------------------------------ failures of student code
class StudentError(CheckFailed):
    """The student's function raised an exception (its text is detail: hidden checks drop it)."""


class StudentTimeout(CheckFailed):
    """The call ran past its deadline; the worker was killed."""


class WorkerCrashed(CheckFailed):
    """The worker process died (os._exit, a signal, out of memory) or sent a malformed reply."""


class MissingSubmission(CheckFailed):
    """The file a check needs is not in the submission."""


class MissingFunction(CheckFailed):
    """The submission's file does not define the function."""


# ------------------------------------------------------------------ what a call returns
@dataclass(frozen=True)
class Mutations:
    """What a call changed that the contract says it must not (names only)."""

    inputs: tuple[str, ...] = ()
    state: tuple[str, ...] = ()
    training: tuple[str, ...] = ()

    def describe(self, *, allow_training_change: bool = False) -> list[str]:
        changes = []
        if self.inputs:
            changes.append("modified argument(s) in place: " + ", ".join(self.inputs))
        if self.state:
            shown = ", ".join(self.state[:5]) + (" ..." if len(self.state) > 5 else "")
            changes.append(f"changed the model's parameters or buffers: {shown}")
        if self.training and not allow_training_change:
            changes.append("left the model's train/eval mode changed (call model.train(was_training) "
                           "before returning)")
        return changes


@dataclass(frozen=True)
class Outcome:
    value: Any
    mutations: Mutations = field(default_factory=Mutations)
    forward_log: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class CallOptions:
    timeout: float | None = None
    device: str | None = None
    seed: int = 0


# ------------------------------------------------------------------ the seam
class Student:
    """Calls into the submission, one worker process at a time."""

    def __init__(self, submission: Submission, *, call_timeout: float = 60.0,
                 device: str = "cpu", workdir: Path | None = None) -> None:
        self.submission = submission
        self.call_timeout = call_timeout
        self.device = device
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="autograder-worker-")
        self.workdir = Path(workdir or self._tmp.name)
        self._process: subprocess.Popen | None = None
        self._to_worker = self._from_worker = -1
        self._log_path = self.workdir / "worker-output.log"

    def __getattr__(self, name: str) -> "_ModuleProxy":
        if name.startswith("problem"):
            return _ModuleProxy(self, name, CallOptions())
        raise AttributeError(name)

    def options(self, *, timeout: float | None = None, device: str | None = None,
                seed: int = 0) -> "_OptionsView":
        """The same seam with a per-call deadline, device ("cpu"/"cuda") or seed."""
        return _OptionsView(self, CallOptions(timeout, device, seed))

    def call(self, module: str, function: str, *args: Any, **kwargs: Any) -> Outcome:
        return self.call_with(CallOptions(), module, function, args, kwargs)

    def call_with(self, options: CallOptions, module: str, function: str,
                  args: tuple[Any, ...], kwargs: dict[str, Any]) -> Outcome:
        path = self.submission.files.get(module)
        if path is None:
            raise MissingSubmission(f"{module}.py was not found in the submission, so "
                                    f"{module}.{function} could not be graded")
        request = {"op": "call", "module": module, "path": str(path), "function": function,
                   "args": list(args), "kwargs": kwargs, "seed": options.seed,
                   "device": options.device or self.device}
        reply = self._roundtrip(request, f"{module}.{function}", options.timeout)
        return _outcome(reply, f"{module}.{function}")

    def read_checkpoint(self, key: str = "allcnn.pt", **kwargs: Any) -> dict[str, Any]:
        """Parse a student checkpoint in the worker (never here) and return its plain tensors."""
        path = self.submission.files.get(key)
        if path is None:
            raise MissingSubmission(f"{key} was not found in the submission")
        request = {"op": "task", "name": "read_checkpoint", "path": str(path), "kwargs": kwargs}
        return self._roundtrip(request, f"reading {key}", None).get("value")

    def close(self) -> None:
        self._kill()
        if self._tmp is not None:
            self._tmp.cleanup()

    # ------------------------------------------------------------------ worker lifecycle
    def _roundtrip(self, request: dict[str, Any], what: str, timeout: float | None) -> dict[str, Any]:
        self._ensure_worker()
        deadline = time.monotonic() + (timeout or self.call_timeout)
        try:
            wire.write_message(self._to_worker, request, deadline=deadline)
            tree, buffers = wire.read_message(self._from_worker, deadline=deadline)
            reply = wire.decode(tree, buffers, rebuild_sympy=_student_expr)
        except wire.Deadline:
            self._kill()
            raise StudentTimeout(f"{what} did not finish within {timeout or self.call_timeout:g} s "
                                 "and was stopped") from None
        except (wire.PeerClosed, BrokenPipeError):
            how = self._kill()
            raise WorkerCrashed(f"{what} crashed the process running it ({how})",
                                detail=self._log_tail()) from None
        except wire.WireError as error:
            self._kill()
            raise WorkerCrashed(f"{what} sent back data the grader cannot read",
                                detail=str(error)) from None
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            self._kill()
            raise WorkerCrashed(f"{what} sent back a malformed reply")
        if not reply["ok"]:
            raise _failure(reply.get("error"), what)
        return reply

    def _ensure_worker(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._kill()
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        log = open(self._log_path, "ab")
        root = str(self.submission.root) if self.submission.root else ""
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-c", _BOOT, str(ENGINE_ROOT),
                 str(to_worker_r), str(from_worker_w), root],
                pass_fds=(to_worker_r, from_worker_w), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, cwd=self.workdir, env=_worker_environment(self.workdir),
                start_new_session=True)
        finally:
            log.close()
            os.close(to_worker_r)
            os.close(from_worker_w)
        self._to_worker, self._from_worker = to_worker_w, from_worker_r
        os.set_blocking(self._to_worker, False)
        try:
            tree, buffers = wire.read_message(self._from_worker,
                                              deadline=time.monotonic() + STARTUP_TIMEOUT_S)
            if wire.decode(tree, buffers) != {"ready": True}:
                raise wire.WireError("unexpected greeting")
        except (wire.Deadline, wire.PeerClosed, wire.WireError):
            self._kill()
            raise WorkerCrashed("the process that runs student code could not start",
                                detail=self._log_tail()) from None

    def _kill(self) -> str:
        """Kill the worker's whole process group and reap it; say how it ended."""
        how = "it exited"
        process, self._process = self._process, None
        if process is not None:
            code = process.poll()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()
            code = process.returncode if code is None else code
            if code is not None and code < 0:
                how = f"killed by signal {signal.Signals(-code).name}"
            elif code is not None:
                how = f"exit status {code}"
        for fd in (self._to_worker, self._from_worker):
            if fd >= 0:
                os.close(fd)
        self._to_worker = self._from_worker = -1
        return how

    def _log_tail(self) -> str:
        try:
            data = self._log_path.read_bytes()[-LOG_TAIL_CHARS:]
        except OSError:
            return ""
        return "Output of the process before it ended:\n" + data.decode("utf-8", "replace")


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
    """`student.problem1.evaluate(...)`: the value; `.outcome(...)` on the function: the Outcome."""

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
def _worker_environment(workdir: Path) -> dict[str, str]:
    """A small, explicit environment: nothing of the grader's (tokens, paths) leaks to students."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "LANG": "C.UTF-8",
           "OMP_NUM_THREADS": os.environ.get("AUTOGRADER_WORKER_THREADS", "1"),
           "AUTOGRADER_WORKER_THREADS": os.environ.get("AUTOGRADER_WORKER_THREADS", "1"),
           "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    return env


def _student_expr(tree: Any) -> Any:
    from autograder import symbolic

    return symbolic.StudentExpr(tree)


def _failure(error: Any, what: str) -> CheckFailed:
    if not isinstance(error, dict):
        return WorkerCrashed(f"{what} sent back a malformed error")
    kind = str(error.get("kind", ""))[:50]
    name = str(error.get("type", "Exception"))[:100]
    message = str(error.get("message", ""))[:2000]
    trace = str(error.get("traceback", ""))[:4000]
    detail = f"{name}: {message}" + (f"\n\nTraceback (your code):\n{trace}" if trace else "")
    if kind == "missing_function":
        return MissingFunction(f"{what} is not defined in the submission")
    if kind == "import":
        return StudentError(f"{what.split('.')[0]}.py failed to import ({name})", detail=detail)
    if kind == "checkpoint":
        return StudentError(f"{what}: {message}")
    if name == "NotImplementedError":
        return StudentError(f"{what} is not implemented yet (it raised NotImplementedError)")
    return StudentError(f"{what} raised {name}", detail=detail)


def _outcome(reply: dict[str, Any], what: str) -> Outcome:
    log = reply.get("forward_log", [])
    mutations = reply.get("mutations", {})
    if not isinstance(log, list) or not all(isinstance(e, dict) for e in log) \
            or not isinstance(mutations, dict):
        raise WorkerCrashed(f"{what} sent back a malformed reply")

    def names(kind: str) -> tuple[str, ...]:
        items = mutations.get(kind, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise WorkerCrashed(f"{what} sent back a malformed reply")
        return tuple(items)

    return Outcome(reply.get("value"), Mutations(names("inputs"), names("state"), names("training")),
                   tuple(log))
