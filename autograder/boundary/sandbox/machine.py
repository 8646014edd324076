"""Root's one-time work on a grading machine: the sandbox users, the repository locked down, and
one user reserved per grader (a lock file each, so that parallel graders never share one)."""
from __future__ import annotations

import compileall
import ctypes
import fcntl
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
ENGINE = Path(__file__).resolve().parents[2]
SANDBOX_USER = "autograder-student"
SLOTS = 8                      # users, so that this many graders can run at once (xdist, CI)
FALLBACK_UID = 64_500          # + slot: a bare user id, used only where `useradd` is unavailable
PR_SET_CHILD_SUBREAPER = 36
USERADD_ATTEMPTS = 5
SECRETS = ("reference", "tests/*/hidden", ".git")  # a course copy holding any of these is locked down


class SandboxError(RuntimeError):
    """The sandbox could not be set up: a problem of the grading machine, not of the student."""


@dataclass(frozen=True)
class Identity:
    """The user a worker runs as, and the lock that reserves that user for one grader."""

    uid: int
    gid: int
    name: str
    lock_fd: int


def ensure_user(slot: int) -> tuple[int, int, str]:
    """(uid, gid, name) of the slot's user, created with `useradd` if missing."""
    name = SANDBOX_USER if slot == 0 else f"{SANDBOX_USER}{slot}"
    for attempt in range(USERADD_ATTEMPTS + 1):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            if attempt < USERADD_ATTEMPTS and shutil.which("useradd"):
                # a parallel grader may hold the lock on /etc/passwd: try again shortly
                subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                                "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name],
                               capture_output=True, check=False)
                time.sleep(0.1 * attempt)
            continue
        if entry.pw_uid == 0 or entry.pw_gid == 0:
            raise SandboxError(f"user {name} is privileged; refusing to run student code as it")
        return entry.pw_uid, entry.pw_gid, name
    uid = FALLBACK_UID + slot
    try:
        taken = pwd.getpwuid(uid).pw_name
    except KeyError:
        return uid, uid, f"uid{uid}"
    raise SandboxError(f"cannot create user {name}, and uid {uid} belongs to {taken}")


def interpreter_paths() -> list[Path]:
    """What the worker must be able to read: Python itself and the packages it imports."""
    paths = {Path(os.path.realpath(sys.executable)), Path(sys.prefix), Path(sys.base_prefix),
             Path(sys.exec_prefix), Path(sys.base_exec_prefix)}
    for package in ("torch", "numpy", "sympy", "mpmath"):
        spec = find_spec(package)
        if spec is not None and spec.origin:
            paths.add(Path(os.path.realpath(spec.origin)).parent.parent)
    return sorted(Path(os.path.realpath(p)) for p in paths)


def lock_down(repo_root: Path = REPO_ROOT) -> list[str]:
    """Make every top-level entry of the repository private to root, except those holding a
    Python environment (a `.venv`); the worker gets its own copy of the engine. Idempotent."""
    needed = interpreter_paths()
    changed = []
    for entry in sorted(repo_root.iterdir()):
        info = entry.lstat()
        if stat.S_ISLNK(info.st_mode) or any(p == entry or entry in p.parents for p in needed) \
                or (entry / "pyvenv.cfg").is_file():
            continue
        if info.st_mode & 0o077:
            os.chmod(entry, stat.S_IMODE(info.st_mode) & 0o700)
            changed.append(str(entry))
    info = repo_root.stat()
    if info.st_mode & 0o066:  # others may still pass through to a .venv, never list or write
        os.chmod(repo_root, stat.S_IMODE(info.st_mode) & 0o711)
        changed.append(str(repo_root))
    return changed


def grant_interpreter_access() -> list[str]:
    """Let other users pass through the folders above the interpreter (e.g. a pyenv in /root)."""
    changed = []
    for path in interpreter_paths():
        for folder in [*reversed(path.parents), path]:
            mode = folder.stat().st_mode
            if not mode & 0o001:
                os.chmod(folder, stat.S_IMODE(mode) | 0o001)
                changed.append(str(folder))
    return changed


def setup(repo_root: Path = REPO_ROOT) -> list[str]:
    """Everything root does once per machine; returns what it did, one line each."""
    if os.geteuid() != 0:
        return ["not root: the worker will run as the current user (no user switch, no lock-down)"]
    users = [ensure_user(slot) for slot in range(SLOTS)]
    lines = [f"user {name} (uid {uid})" for uid, _, name in users]
    if any(any(repo_root.glob(secret)) for secret in SECRETS):  # not in the student handout
        lines += [f"made private: {path}" for path in lock_down(repo_root)]
    lines += [f"made passable: {path}" for path in grant_interpreter_access()]
    # Fresh bytecode beside the engine's sources: the worker's read-only copy of the engine then
    # never compiles anything at start-up.
    compileall.compile_dir(str(ENGINE), quiet=2, workers=1)
    return lines


_prepared: set[Path] = set()


def prepare_machine(repo_root: Path = REPO_ROOT) -> None:
    """`setup()` once per grader process, in case setup.sh was not run (self-tests, a new clone)."""
    if repo_root not in _prepared:
        for line in setup(repo_root):
            if line.startswith("made"):
                print(f"autograder.boundary.sandbox: {line}", file=sys.stderr)
        _prepared.add(repo_root)
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _lock_folder() -> Path:
    for parent in ("/run", tempfile.gettempdir()):
        folder = Path(parent) / "autograder-sandbox"
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
        except OSError:
            continue
        info = folder.lstat()
        if stat.S_ISDIR(info.st_mode) and info.st_uid == 0 and not info.st_mode & 0o077:
            return folder
    raise SandboxError("no root-only folder for the sandbox's lock files")


def acquire_identity(wait_s: float = 600.0) -> Identity:
    """The first free slot's user; waits while every slot is held by another grader."""
    folder = _lock_folder()
    deadline = time.monotonic() + wait_s
    while True:
        for slot in range(SLOTS):
            fd = os.open(folder / f"slot-{slot}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                uid, gid, name = ensure_user(slot)
            except BaseException:
                os.close(fd)
                raise
            return Identity(uid, gid, name, fd)
        if time.monotonic() > deadline:
            raise SandboxError(f"all {SLOTS} sandbox users stayed busy for {wait_s:g} s")
        time.sleep(0.2)
