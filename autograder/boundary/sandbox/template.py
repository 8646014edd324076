"""Workers forked from a template process that has imported torch, instead of a fresh interpreter each.

Why: a fresh worker pays the imports of torch, torchvision and sympy (about 3 s on one core)
before it runs a line of student code: once per grading, and again after every crash or timeout
of a call. A template imports them once and then only forks; each fork confines itself exactly as
a fresh worker does (`confine.enter`: limits, network, seccomp, user) before it reads any student
file, so the sandbox is the same.

The template holds nothing secret, because it exists before anything secret does:

- `fork_early()` forks it from a grader that has imported only the engine and the libraries, at
  the very start of a command (`grade`, `check`, a regrade's grading process), before any
  assignment's checks, reference or data are loaded; it refuses to fork a process that has loaded
  any module outside the engine and site-packages, runs a second thread, or holds an environment
  variable that might carry a secret (`autograder.boundary.sandbox.environment`).
- `Template.spawn()` (used when no early template exists, e.g. `grade()` called in-process) starts
  it as a fresh `python -I` interpreter with a small fixed environment.

Either way the template keeps no file descriptor but its control socket, replaces the grader's
environment (and wipes its exec-time copy, which `/proc/self/environ` shows) with the workers'
fixed one, never runs student code, and never reads a reply of a worker. It ends when the grader
closes the socket (or dies), killing the workers it forked. This module is the grader's side;
`template_process` is what runs in the template and its forks.
"""
from __future__ import annotations

import atexit
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from autograder.boundary.sandbox.environment import THREAD_VARIABLES, base_environment, is_plain
from autograder.boundary.sandbox.template_process import PRELOAD, become_template
from autograder.boundary.sandbox.machine import REPO_ROOT
from autograder.boundary.sandbox.workspace import ENGINE_PACKAGE, Limits

START_TIMEOUT_S = 180.0
REPLY_TIMEOUT_S = 30.0
FRESH_WORKERS_VARIABLE = "AUTOGRADER_FRESH_WORKERS"  # "1": a fresh interpreter per worker
_BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
         "from autograder.boundary.sandbox.template_process import serve_spawned; "
         "serve_spawned(int(sys.argv[2]))")


class TemplateError(RuntimeError):
    """The template could not start or fork: the caller starts a fresh interpreter instead."""


# ------------------------------------------------------------------ the grader's side
class ForkedWorker:
    """A worker forked by the template, with the part of `subprocess.Popen` that `Student` uses.
    The template is its parent, so its exit status comes from the template."""

    def __init__(self, template: "Template", pid: int) -> None:
        self.template, self.pid = template, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.template.exit_code(self.pid, block=False)
        return self.returncode

    def wait(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.template.exit_code(self.pid, block=True)
        return self.returncode


class Template:
    """The grader's handle on one template process (its control socket)."""

    def __init__(self, control: socket.socket, pid: int, process: subprocess.Popen | None) -> None:
        self._control, self.pid, self._process = control, pid, process
        self._exits: dict[int, int] = {}
        self._lock = threading.Lock()
        self.alive = True
        self._expect({"ready"}, START_TIMEOUT_S)

    @classmethod
    def spawn(cls, threads: int) -> "Template":
        """A template in a fresh interpreter, with the workers' environment only."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            process = subprocess.Popen(
                [sys.executable, "-I", "-B", "-c", _BOOT, str(REPO_ROOT), str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                env=base_environment(threads), cwd="/", start_new_session=True)
        except OSError as error:
            ours.close()
            raise TemplateError(f"the template could not start: {error}") from None
        finally:
            theirs.close()
        return cls(ours, process.pid, process)

    def start_worker(self, *, config: str, submission: str, engine: Path, env: dict[str, str],
                     cwd: Path, fds: tuple[int, int, int]) -> ForkedWorker:
        """Fork a worker: `fds` are its request pipe, reply pipe and log (stdout and stderr)."""
        request = {"config": config, "submission": submission, "engine": str(engine),
                   "env": env, "cwd": str(cwd), "fds": list(fds)}
        with self._lock:
            try:
                socket.send_fds(self._control, [json.dumps(request).encode()], list(fds))
            except OSError as error:
                self._lost()
                raise TemplateError(f"the template is gone ({error})") from None
            reply = self._expect({"pid"}, REPLY_TIMEOUT_S)
        return ForkedWorker(self, int(reply["pid"]))

    def exit_code(self, pid: int, *, block: bool) -> int | None:
        """The worker's exit status as Popen reports it, None while it runs (or if unknown)."""
        with self._lock:
            while pid not in self._exits and self.alive:
                if self._read(None if block else 0.0) is None and not block:
                    break  # nothing more to read now
            return self._exits.pop(pid, None)

    def close(self) -> None:
        """Closing the socket ends the template, which kills the workers it forked."""
        self._lost()
        if self._process is None:  # forked by this process: reap it
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            return
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()

    # -- messages from the template (a root process that never runs student code)
    def _expect(self, kinds: set[str], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while self.alive:
            message = self._read(max(0.0, deadline - time.monotonic()))
            if message is not None and kinds & message.keys():
                return message
            if time.monotonic() >= deadline:
                break
        self._lost()
        raise TemplateError("the template did not answer")

    def _read(self, timeout: float | None) -> dict[str, Any] | None:
        """The next message (an exit is also recorded), or None: nothing in time, or the end."""
        ready, _, _ = select.select([self._control], [], [], timeout)
        if not ready:
            return None
        try:
            data = self._control.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._lost()
            return None
        message = json.loads(data)
        if "exited" in message:
            self._exits[int(message["exited"])] = int(message["code"])
        return message

    def _lost(self) -> None:
        if self.alive:
            self.alive = False
            self._control.close()


_templates: dict[tuple[int, str | None], Template] = {}


@atexit.register
def _close_all() -> None:
    """End this process's templates and reap them, so that none is left to another parent."""
    for template in list(_templates.values()):
        template.close()
    _templates.clear()


def _key(threads: int) -> tuple[int, str | None]:
    return threads, os.environ.get("CUDA_VISIBLE_DEVICES")


def _fresh_workers_asked() -> bool:
    return os.environ.get(FRESH_WORKERS_VARIABLE, "") not in ("", "0")


def template_for(threads: int) -> Template | None:
    """This process's template for workers of `threads` threads, spawned if there is none yet;
    None when fresh workers were asked for or no template can start."""
    if _fresh_workers_asked():
        return None
    template = _templates.get(_key(threads))
    if template is not None and template.alive:
        return template
    try:
        template = _templates[_key(threads)] = Template.spawn(threads)
    except TemplateError:
        return None
    return template


def fork_early(threads: int | None = None) -> bool:
    """Import the worker's libraries here and fork this process's template from it; call at the
    start of a command, before anything of an assignment is loaded. False (nothing forked; a
    template is spawned when first needed) where this process is not provably clean."""
    if _fresh_workers_asked() or not hasattr(os, "fork"):
        return False
    threads = Limits.from_env().threads if threads is None else threads
    if _key(threads) in _templates or any(name in sys.modules for name in ("numpy", "torch")):
        return False  # libraries loaded earlier read their thread counts from another environment
    if not is_plain(os.environ):  # as inherited (torch's import adds a variable of its own)
        return False
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update({name: str(threads) for name in THREAD_VARIABLES})
    try:
        for name in PRELOAD:
            __import__(name)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if not _provably_clean():
        _restore_threads(saved)
        return False
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:  # the template
        try:
            ours.close()
            become_template(theirs, base_environment(threads))
        finally:
            os._exit(70)
    theirs.close()
    _restore_threads(saved)
    try:
        _templates[_key(threads)] = Template(ours, pid, None)
    except TemplateError:
        return False
    return True


def _restore_threads(saved: dict[str, str | None]) -> None:
    """The grader itself computes on every core, as it would have without `fork_early`."""
    import torch

    if saved["OMP_NUM_THREADS"] is None:
        torch.set_num_threads(len(os.sched_getaffinity(0)))


def _provably_clean() -> bool:
    """One thread, and no module loaded from outside the engine and the interpreter's packages
    (an assignment's checks, reference or data loader would be)."""
    if len(os.listdir("/proc/self/task")) != 1:
        return False
    allowed = tuple(str(Path(p).resolve()) for p in {
        *sys.path[1:], sys.prefix, sys.base_prefix, sys.exec_prefix, str(ENGINE_PACKAGE)}
        if p and Path(p).resolve() != REPO_ROOT)
    for module in list(sys.modules.values()):
        where = getattr(module, "__file__", None)
        if isinstance(where, str) and os.path.isabs(where) and not str(Path(where).resolve()).startswith(allowed):
            return False
    return True
