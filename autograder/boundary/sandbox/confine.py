"""What the worker does to itself before it imports torch or any student file.

The worker starts as a plain `python -I` child of the grader. Still single-threaded and running
only engine code, it calls `enter(config)`: it becomes the OOM killer's first choice, leaves the
network (a fresh network namespace where the kernel lets it, and a seccomp filter that refuses
every non-local socket either way), sets its resource limits, drops to the sandbox user when the
grader runs as root, and moves into its own home folder. Everything the student's code runs later
(threads, children) inherits all of it. See `autograder.boundary.sandbox` for the grader's side.
"""
from __future__ import annotations

import ctypes
import json
import os
import platform
import resource
from typing import Any

CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4
AF_UNIX = 1

# Syscalls refused with EACCES, by number on (x86_64, aarch64). Sockets are refused unless
# AF_UNIX. The rest is either network, a way into another process's memory, or kernel memory that
# outlives the process or escapes the memory watchdog (SysV IPC, message queues, memfd; memfd stays
# allowed on a GPU machine, where the driver's use of it is not ruled out).
_SYSCALLS = {
    "socket": (41, 198), "socketpair": (53, 199), "ptrace": (101, 117),
    "process_vm_readv": (310, 270), "process_vm_writev": (311, 271), "pidfd_getfd": (438, 438),
    "io_uring_setup": (425, 425), "io_uring_enter": (426, 426), "io_uring_register": (427, 427),
    "bpf": (321, 280), "perf_event_open": (298, 241), "userfaultfd": (323, 282),
    "add_key": (248, 217), "request_key": (249, 218), "keyctl": (250, 219),
    "unshare": (272, 97), "setns": (308, 268), "shmget": (29, 194), "semget": (64, 190),
    "msgget": (68, 186), "mq_open": (240, 180), "memfd_create": (319, 279),
}
_SOCKETS = ("socket", "socketpair")
_DENIED = tuple(name for name in _SYSCALLS if name not in _SOCKETS + ("memfd_create",))
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_SECCOMP_SYSCALL = (317, 277)  # seccomp(2) on (x86_64, aarch64)
_EACCES = 13
_RET_ALLOW, _RET_ERRNO, _RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
_LD_ABS_W, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06


def enter(config_json: str) -> dict[str, Any]:
    """Confine this process as `config_json` says; returns what was applied (for the log)."""
    config = json.loads(config_json)
    applied: dict[str, Any] = {}
    _write("/proc/self/oom_score_adj", "1000")  # if memory runs out, the worker dies, not the grader
    uid, gid = config.get("uid"), config.get("gid")
    switch_user = uid is not None and os.geteuid() == 0
    applied["network_namespace"] = _unshare_network() if switch_user else False
    _set_limits(config.get("limits", {}))
    if switch_user:
        _drop_privileges(int(uid), int(gid))
    applied["user"] = os.getuid()
    applied["seccomp"] = _install_seccomp(gpu=bool(config.get("gpu")))
    home = config.get("home")
    if home:
        os.chdir(home)
    os.umask(0o077)
    return applied


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w") as handle:
            handle.write(text)
    except OSError:
        pass


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _unshare_network() -> bool:
    """A new, empty network namespace (only a loopback that is down); needs CAP_SYS_ADMIN."""
    try:
        return _libc().unshare(CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _set_limits(limits: dict[str, Any]) -> None:
    """Soft = hard for every limit, so student code cannot raise any of them again."""
    names = {"cpu_s": resource.RLIMIT_CPU, "data_bytes": resource.RLIMIT_DATA,
             "nproc": resource.RLIMIT_NPROC, "fsize_bytes": resource.RLIMIT_FSIZE,
             "nofile": resource.RLIMIT_NOFILE}
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, which in names.items():
        value = limits.get(key)
        if value is None:
            continue
        value = int(value)
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY and value > hard:
            value = hard  # an unprivileged grader cannot raise its own hard limit
        resource.setrlimit(which, (value, value))


def _drop_privileges(uid: int, gid: int) -> None:
    """Become `uid`:`gid` with no supplementary groups and no capabilities, for good."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    try:
        os.setuid(0)
    except PermissionError:
        return
    os._exit(70)  # still able to become root: never run student code like that


def _install_seccomp(*, gpu: bool) -> bool:
    """Refuse non-local sockets and the syscalls in `_DENIED`; False where not supported."""
    machine = platform.machine()
    if machine not in _AUDIT_ARCH:
        return False
    column = list(_AUDIT_ARCH).index(machine)
    denied = _DENIED + (() if gpu else ("memfd_create",))
    program = _assemble(_AUDIT_ARCH[machine], tuple(_SYSCALLS[name][column] for name in _SOCKETS),
                        tuple(_SYSCALLS[name][column] for name in denied))
    libc = _libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    filters = (_SockFilter * len(program))(*[_SockFilter(*op) for op in program])
    fprog = _SockFprog(len(program), filters)
    # SPEC_ALLOW: kernels before 5.16 otherwise turn on the speculative-store-bypass mitigation
    # for every filtered process, which slows numeric code down; it guards nothing here.
    if libc.syscall(_SECCOMP_SYSCALL[column], SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
                    ctypes.byref(fprog)) == 0:
        return True
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _assemble(audit_arch: int, sockets: tuple[int, ...],
              denied: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    """A classic-BPF program; jumps name labels and are resolved to relative offsets at the end."""
    code: list[tuple[int, Any, Any, int]] = [
        (_LD_ABS_W, 0, 0, 4),                            # seccomp_data.arch
        (_JEQ_K, 0, "kill", audit_arch),                 # a foreign ABI (i386 via int 0x80) dies
        (_LD_ABS_W, 0, 0, 0),                            # seccomp_data.nr
        (_JGE_K, "deny", 0, 0x40000000),                 # x32 syscall numbers
    ]
    code += [(_JEQ_K, "domain", 0, nr) for nr in sockets]
    code += [(_JEQ_K, "deny", 0, nr) for nr in denied]
    code += [(_RET_K, 0, 0, _RET_ALLOW)]
    labels = {"domain": len(code)}
    code += [(_LD_ABS_W, 0, 0, 16),                      # low half of args[0] (little endian)
             (_JEQ_K, "allow", "deny", AF_UNIX)]
    labels["allow"] = len(code)
    code += [(_RET_K, 0, 0, _RET_ALLOW)]
    labels["deny"] = len(code)
    code += [(_RET_K, 0, 0, _RET_ERRNO | _EACCES)]
    labels["kill"] = len(code)
    code += [(_RET_K, 0, 0, _RET_KILL_PROCESS)]

    def offset(target: Any, index: int) -> int:
        return target if isinstance(target, int) else labels[target] - index - 1

    return [(op, offset(jt, i), offset(jf, i), k) for i, (op, jt, jf, k) in enumerate(code)]
