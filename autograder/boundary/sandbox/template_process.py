"""What runs inside the workers' template process and its forks (see `template` for why).

The template imports the worker's libraries, then serves fork requests from its grader over one
AF_UNIX socket: each request carries the new worker's pipes and log as file descriptors, and gets
back the fork's pid; when a fork ends, its exit status follows on the same socket. Each fork turns
itself into exactly what a fresh worker is at its start (`become_worker`) before the worker's own
confinement (`confine.enter`) and main loop run.
"""
from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import socket
import sys
from pathlib import Path
from typing import Any, NoReturn

PRELOAD = ("numpy", "torch", "torchvision", "sympy", "autograder.boundary.worker",
           "autograder.boundary.symbolic", "autograder.boundary.sandbox.confine",
           "autograder.deeplearning.allcnn", "autograder.deeplearning.checkpoint")
PR_SET_CHILD_SUBREAPER = 36


def serve_spawned(fd: int) -> NoReturn:
    """Entry of a spawned template: import, then serve (see `Template.spawn`)."""
    for name in PRELOAD:
        __import__(name)
    become_template(socket.socket(fileno=fd), dict(os.environ))


def become_template(control: socket.socket, env: dict[str, str]) -> NoReturn:
    """Shed everything of the process this was (its files, session, environment), then fork a
    worker per request until the grader closes `control`; kill the forks left, and end."""
    _keep_only_fds({0, 1, 2, control.fileno()})
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    if os.getpid() != os.getsid(0):
        os.setsid()  # no signal of the grader's terminal reaches it; the grader ends it
    _replace_environment(env)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # then a worker's orphans go to the grader, which kills them by user or session
    wake_r, wake_w = os.pipe()
    for fd in (wake_r, wake_w):
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a handler of the grader's must not run here
    children: set[int] = set()
    control.send(b'{"ready": true}')
    try:
        while True:
            readable, _, _ = select.select([control, wake_r], [], [])
            if wake_r in readable:
                while _drain(wake_r):
                    pass
            if control in readable:
                try:
                    data, fds, _, _ = socket.recv_fds(control, 65536, 3)
                except OSError:
                    break
                if not data:
                    break  # the grader closed the socket, or died
                pid = os.fork()
                if pid == 0:
                    _become_worker(json.loads(data), fds, {control.fileno(), wake_r, wake_w})
                for fd in fds:
                    os.close(fd)
                children.add(pid)
                control.send(json.dumps({"pid": pid}).encode())
            _reap(control, children)
    finally:
        for pid in children:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        os._exit(0)


def _reap(control: socket.socket, children: set[int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in children:
            children.discard(pid)
            try:
                control.send(json.dumps({"exited": pid, "code": os.waitstatus_to_exitcode(status)}).encode())
            except OSError:
                pass


def _become_worker(request: dict[str, Any], fds: list[int], template_fds: set[int]) -> NoReturn:
    """In the fork: become exactly what a fresh worker is at its start, then serve as one."""
    code = 1
    try:
        for fd in template_fds:
            os.close(fd)
        to_worker, from_worker, log = fds
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        _keep_only_fds({0, 1, 2, to_worker, from_worker})
        os.setsid()
        signal.set_wakeup_fd(-1)  # signal handlers as a fresh interpreter has them
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _replace_environment(request["env"])
        os.chdir(request["cwd"])
        sys.dont_write_bytecode = True
        _import_engine_from(Path(request["engine"]))
        from autograder.boundary.sandbox import confine
        from autograder.boundary.worker import main

        applied = confine.enter(request["config"])
        main([str(to_worker), str(from_worker), request["submission"]], applied)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)


def _import_engine_from(engine: Path) -> None:
    """Engine modules the worker imports later come from the sandbox's readable copy of the
    engine (the repository is private to root when grading as root)."""
    for name, module in list(sys.modules.items()):
        if (name == "autograder" or name.startswith("autograder.")) and hasattr(module, "__path__"):
            module.__path__ = [str(engine.joinpath(*name.split(".")))]


def _replace_environment(env: dict[str, str]) -> None:
    """`env` only, and the exec-time copy of the old environment wiped from memory."""
    os.environ.clear()
    os.environ.update(env)
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rpartition(b")")[2].split()
        start, end = int(fields[47]), int(fields[48])  # env_start, env_end (fields 50 and 51)
        if 0 < start < end:
            ctypes.memset(start, 0, end - start)
    except (OSError, ValueError, IndexError):
        pass


def _keep_only_fds(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _drain(fd: int) -> bool:
    try:
        return bool(os.read(fd, 512))
    except BlockingIOError:
        return False
