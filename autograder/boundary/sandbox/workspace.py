"""One grader's sandbox: the user and limits of its workers, their folders, and the watchdog.

The folder holds a read-only copy of the engine package and of the submission's files (so the
worker never needs the repository, and the grader's temporary files stay private) and a home that
the worker's user owns. `reap_all()` kills every process of every live sandbox of this grader.
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import stat
import tempfile
import threading
import weakref
from dataclasses import dataclass, fields
from pathlib import Path

from autograder.boundary.sandbox.environment import base_environment
from autograder.boundary.sandbox.machine import Identity, SandboxError, acquire_identity, prepare_machine
from autograder.boundary.sandbox.procfs import (
    SCRATCH_DIRS, Match, disk_usage, kill_matching, owned, processes, proportional_memory,
    remove_owned,
)

ENGINE_PACKAGE = Path(__file__).resolve().parents[2]   # autograder/
SUBMISSION_PY_CAP = 5 * 2**20
SUBMISSION_FILE_CAP = 256 * 2**20
DATA_HEADROOM_MB = 2048        # RLIMIT_DATA counts reserved, untouched memory: torch alone reserves
                               # ~750 MB of it at import while using ~250 MB


@dataclass(frozen=True)
class Limits:
    """Resource caps of one worker (environment: AUTOGRADER_WORKER_<NAME>, e.g. ..._MEMORY_MB)."""

    memory_mb: int = 4096     # resident memory of all the worker's processes (watchdog) and per
                              # process RLIMIT_DATA; RLIMIT_AS breaks CUDA builds of torch
    disk_mb: int = 1024       # bytes in files the worker's user owns or holds open
    file_mb: int = 64         # RLIMIT_FSIZE: largest file, the output log included
    cpu_s: int = 3600         # RLIMIT_CPU over a worker's life, per thread; each call gets its
                              # deadline x threads (the parent's wall-clock deadline still rules)
    processes: int = 128      # RLIMIT_NPROC of the sandbox user (threads count); root only
    open_files: int = 512     # RLIMIT_NOFILE
    threads: int = 1          # OMP/MKL/torch threads
    call_s: int = 0           # if set, no call may run longer, whatever its check asks (rehearsals)

    @classmethod
    def from_env(cls) -> "Limits":
        values = {}
        for item in fields(cls):
            text = os.environ.get(f"AUTOGRADER_WORKER_{item.name.upper()}", "").strip()
            if text.isdigit() and int(text) > 0:
                values[item.name] = int(text)
        return cls(**values)

    def rlimits(self, *, dedicated_user: bool, gpu: bool) -> dict[str, int]:
        limits = {"cpu_s": self.cpu_s * self.threads, "fsize_bytes": self.file_mb * 2**20,
                  "nofile": self.open_files}
        if not gpu:  # CUDA's driver maps large private regions: the watchdog alone guards GPU runs
            limits["data_bytes"] = (self.memory_mb + DATA_HEADROOM_MB) * 2**20
        if dedicated_user:
            limits["nproc"] = self.processes
        return limits


_live: "weakref.WeakSet[Sandbox]" = weakref.WeakSet()


class Sandbox:
    """The user, folders and limits of one `Student`'s workers."""

    def __init__(self, files: dict[str, Path], source_root: Path | None, *,
                 limits: Limits | None = None, isolate: bool | None = None) -> None:
        self.limits = limits or Limits.from_env()
        self.isolated = os.geteuid() == 0 if isolate is None else isolate
        if self.isolated and os.geteuid() != 0:
            raise SandboxError("running student code as another user needs root")
        self.identity: Identity | None = None
        self.leader: int | None = None  # the current worker's pid (its session id)
        if self.isolated:
            prepare_machine()
            self.identity = acquire_identity()
        try:
            self.base = Path(tempfile.mkdtemp(prefix=self._prefix(), dir=passable_tmp()))
            if self.identity is not None:  # what a grader that died holding this user left behind
                self.kill_all()
                for stale in Path(self.base.parent).glob(f"{self._prefix()}*"):
                    if stale != self.base:
                        shutil.rmtree(stale, ignore_errors=True)
            os.chmod(self.base, 0o711)
            self.engine = self.base / "engine"
            _copy_engine(self.engine / "autograder")
            self.submission = self.base / "submission"
            self.files = _copy_submission(files, source_root, self.submission)
            if self.identity is not None:  # parallel graders: no other sandbox user may read it
                _private_to_group(self.submission, self.identity.gid)
            self.home = self.base / "home"
            self.reset_home()
        except BaseException:
            self.close()
            raise
        _live.add(self)

    def _prefix(self) -> str:
        """Folder names carry the user, so that the next grader holding it can clean up."""
        return f"autograder-sandbox-{self.identity.name}-" if self.identity else "autograder-sandbox-"

    def match(self) -> Match:
        """Which processes are this sandbox's: its user's, or (no user switch) its session's."""
        if self.identity is not None:
            uid = self.identity.uid
            return lambda p: uid in p.uids
        leader = self.leader
        return lambda p: leader is not None and p.session == leader

    def worker_config(self, *, gpu: bool) -> str:
        identity = self.identity
        return json.dumps({
            "uid": identity.uid if identity else None, "gid": identity.gid if identity else None,
            "home": str(self.home), "gpu": gpu,
            "limits": self.limits.rlimits(dedicated_user=identity is not None, gpu=gpu)})

    def environment(self) -> dict[str, str]:
        """A small, explicit environment: nothing of the grader's (tokens, paths) reaches students."""
        env = base_environment(self.limits.threads)
        env.update({"HOME": str(self.home), "TMPDIR": str(self.home),
                    "XDG_CACHE_HOME": str(self.home / ".cache")})
        return env

    def kill_all(self, *, spare: int | None = None) -> bool:
        """Kill the worker's process group and every process of the sandbox's user or session."""
        if self.leader is not None:
            try:
                os.killpg(self.leader, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        return kill_matching(self.match(), spare=spare)

    def usage(self, *, disk: bool) -> tuple[int, int | None]:
        """(resident bytes of all worker processes, bytes on disk or None when not measured)."""
        match = self.match()
        mine = [p for p in processes() if match(p) and not p.zombie]
        # One process: its resident size. Several (a fork shares its parent's pages): their
        # proportional shares, dearer to read (~15 ms for a torch process) but not inflated.
        memory = sum(proportional_memory(p) for p in mine) if len(mine) > 1 else \
            sum(p.memory for p in mine)
        if not disk:
            return memory, None
        stack = [str(self.home)]
        if self.identity is not None:
            stack += [e.path for folder in SCRATCH_DIRS for e in owned(self.identity.uid, folder)]
        return memory, disk_usage(stack, [p.pid for p in mine])

    def reset_home(self) -> None:
        """An empty home for the next worker; (root) no file of the user left in shared folders."""
        if self.home.exists():
            shutil.rmtree(self.home, ignore_errors=True)
        self.home.mkdir(mode=0o700)
        (self.home / ".cache").mkdir(mode=0o700)
        if self.identity is not None:
            for folder in (self.home, self.home / ".cache"):
                os.chown(folder, self.identity.uid, self.identity.gid)
            remove_owned(self.identity.uid)

    def close(self) -> None:
        """Kill everything of the sandbox, delete its files, free its user for another grader."""
        _live.discard(self)
        self.kill_all()
        if hasattr(self, "base"):
            shutil.rmtree(self.base, ignore_errors=True)
        if self.identity is not None:
            remove_owned(self.identity.uid)
            os.close(self.identity.lock_fd)
            self.identity = None


def reap_all() -> None:
    """Kill every process of every live sandbox of this grader. Call before the final results
    write: afterwards no student process can touch results.json."""
    for sandbox in list(_live):
        sandbox.kill_all()


@atexit.register
def _close_all() -> None:
    """A grader that exits without closing its students still leaves nothing of theirs behind."""
    for sandbox in list(_live):
        sandbox.close()


def passable_tmp() -> str:
    """A temporary folder other users can pass through (the grader's TMPDIR may be private)."""
    for candidate in (tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"):
        path = Path(candidate)
        if path.is_dir() and all(p.stat().st_mode & 0o001 for p in (path, *path.parents)):
            return str(path)
    raise SandboxError("no temporary folder that the sandbox user can reach")


def _copy_engine(destination: Path) -> None:
    """The engine package (sources and their bytecode, sub-packages included), root-owned and
    read-only to the worker."""
    source = ENGINE_PACKAGE
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_symlink() or not path.is_file() or not (
                path.suffix == ".py" or (path.suffix == ".pyc" and relative.parent.name == "__pycache__")):
            continue
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination / relative)
    for folder in [destination.parent, destination, *(p for p in destination.rglob("*") if p.is_dir())]:
        os.chmod(folder, 0o755)


def _copy_submission(files: dict[str, Path], source_root: Path | None,
                     destination: Path) -> dict[str, Path]:
    """Copies of the graded files (named by their key) and of the `.py` files beside them, so that
    helper modules import; links and special files are never followed or copied."""
    destination.mkdir(mode=0o755)
    copies: dict[str, Path] = {}
    for key, path in files.items():
        name = key if "." in key else f"{key}{Path(path).suffix or '.py'}"
        if _copy_regular(Path(path), destination / name, SUBMISSION_FILE_CAP):
            copies[key] = destination / name
    folders = {Path(p).parent for p in files.values()} | ({source_root} if source_root else set())
    for folder in sorted(folders):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)[:200]
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(".py") and not entry.name.startswith(".") \
                    and not (destination / entry.name).exists():
                _copy_regular(Path(entry.path), destination / entry.name, SUBMISSION_PY_CAP)
    return copies


def _private_to_group(folder: Path, gid: int) -> None:
    """Root's files, readable by one group only: its own worker reads the copy of a submission,
    a worker grading another submission at the same time (another sandbox user) cannot."""
    for path in [folder, *folder.iterdir()]:
        os.chown(path, 0, gid, follow_symlinks=False)
        os.chmod(path, 0o750 if path.is_dir() else 0o640)


def _copy_regular(source: Path, target: Path, cap: int) -> bool:
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as reader:
        info = os.fstat(reader.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > cap:
            return False
        with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), "wb") as writer:
            shutil.copyfileobj(reader, writer, 1 << 20)
    os.chmod(target, 0o644)
    return True


class Watchdog(threading.Thread):
    """Polls the sandbox's memory (twice a second) and disk (every two seconds) and kills all of
    its processes when either passes its cap; `reason` then says which."""

    def __init__(self, sandbox: Sandbox, interval: float = 0.5) -> None:
        super().__init__(name="autograder-watchdog", daemon=True)
        self.sandbox, self.interval = sandbox, interval
        self.reason: str | None = None
        self.over_disk = False  # then the files must go before another worker can start
        self._stop_event = threading.Event()

    def run(self) -> None:
        limits = self.sandbox.limits
        ticks = 0
        while not self._stop_event.wait(self.interval):
            ticks += 1
            try:
                memory, disk = self.sandbox.usage(disk=ticks % 4 == 0)
            except OSError:
                continue
            if memory > limits.memory_mb * 2**20:
                self.reason = f"used more than {limits.memory_mb:,} MB of memory"
            elif disk is not None and disk > limits.disk_mb * 2**20:
                self.reason = f"wrote more than {limits.disk_mb:,} MB of files"
                self.over_disk = True
            if self.reason:
                self.sandbox.kill_all(spare=self.sandbox.leader)  # the worker is Popen's to reap
                return

    def stop(self) -> None:
        self._stop_event.set()
