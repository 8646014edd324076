"""Workers forked from a template (`autograder.boundary.sandbox.template`): as confined as a fresh
worker, holding nothing of the grader, and gone with the grader.

A fresh worker pays torch's import at every start; a forked one does not. These tests show the
price is not paid in safety: the forked worker has the same user, limits, seccomp filter,
environment and files as a fresh one, and a secret the grader creates after forking its template
cannot be found anywhere in a worker's memory, while one created before it can (so the search
would see a leak).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.boundary.sandbox.environment import plain_environment
from autograder.boundary.sandbox.template import FRESH_WORKERS_VARIABLE, template_for
from autograder.boundary.student import Student, WorkerCrashed
from selftests.engine.test_seam import make_submission

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import os, resource, socket, sys

def looks():
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        network = "open"
    except OSError as error:
        network = type(error).__name__
    status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines()
                  if ":\\t" in line)
    limits = {name: list(resource.getrlimit(getattr(resource, name))) for name in
              ("RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_CORE")}
    limits["RLIMIT_CPU (hard)"] = resource.getrlimit(resource.RLIMIT_CPU)[1]  # soft: per call
    return {"uid": os.getuid(), "gid": os.getgid(), "groups": sorted(os.getgroups()),
            "environment": sorted(os.environ), "threads": os.environ.get("OMP_NUM_THREADS"),
            "limits": limits, "network": network, "seccomp": status["Seccomp"].strip(),
            "no_new_privs": status["NoNewPrivs"].strip(), "fds": len(os.listdir("/proc/self/fd")),
            "session_leader": os.getsid(0) == os.getpid(), "cwd_is_home": os.getcwd() == os.environ["HOME"],
            "umask": os.umask(0o077), "engine_on_path": any(p and os.path.isdir(os.path.join(p, "tests"))
                                                           for p in sys.path),
            "oom_score_adj": open("/proc/self/oom_score_adj").read().strip()}

def parent():
    return os.getppid()

def crash():
    os._exit(3)
"""



def test_the_command_line_imports_neither_numpy_nor_torch_before_forking():
    """`fork_early` forks only a process without numpy and torch (their thread counts are read at
    import): every command must reach it before importing either."""
    probe = ("import sys; from autograder.cli import build_parser; build_parser(); "
             "print([name for name in ('numpy', 'torch') if name in sys.modules])")
    listed = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True,
                            check=True, env=plain_environment(os.environ)).stdout.strip()
    assert listed == "[]"

def _looks(tmp_path: Path) -> dict:
    """What the worker reports of itself; its user as whether it is the sandbox's (parallel
    graders take different sandbox users)."""
    tmp_path.mkdir()
    student = Student(make_submission(tmp_path, {"problem2.py": PROBE}))
    try:
        looks = student.problem2.looks()
        identity = student.sandbox.identity
        expected = (identity.uid, identity.gid) if identity else (os.getuid(), os.getgid())
        looks["sandbox_user"] = (looks.pop("uid"), looks.pop("gid")) == expected
        return looks
    finally:
        student.close()


def test_a_forked_worker_is_confined_exactly_as_a_fresh_one(tmp_path, monkeypatch):
    forked = _looks(tmp_path / "forked")
    monkeypatch.setenv(FRESH_WORKERS_VARIABLE, "1")
    fresh = _looks(tmp_path / "fresh")
    assert forked == fresh
    assert forked["sandbox_user"] and forked["network"] == "PermissionError" and forked["seccomp"] == "2"
    assert not forked["engine_on_path"]


def test_workers_are_forked_from_the_template_and_replaced_after_a_crash(tmp_path):
    template = template_for(1)
    assert template is not None and template.alive
    student = Student(make_submission(tmp_path, {"problem2.py": PROBE}))
    try:
        first = student.problem2.parent()
        with pytest.raises(WorkerCrashed, match=r"crashed the process running it \(it exited\)") as crashed:
            student.problem2.crash()
        assert "Exit status 3" in crashed.value.detail  # the template reports how its fork ended
        second = student.problem2.parent()
    finally:
        student.close()
    assert first == second == template.pid


def test_each_worker_gets_its_own_exit_status_whatever_order_they_end_in(tmp_path):
    """The template reports every fork's end on one socket: waiting for one worker reads past
    the others' ends without losing them."""
    for name in "ab":
        (tmp_path / name).mkdir()
    students = [Student(make_submission(tmp_path / name, {"problem2.py": PROBE})) for name in "ab"]
    try:
        for student in students:
            student.problem2.parent()
        first, second = (student._process for student in students)
        os.kill(first.pid, signal.SIGKILL)
        time.sleep(0.3)
        os.kill(second.pid, signal.SIGKILL)
        time.sleep(0.3)  # both ends are reported, the first one first
        assert second.wait() == -signal.SIGKILL
        assert first.wait() == -signal.SIGKILL
    finally:
        for student in students:
            student.close()


def test_with_fresh_workers_asked_for_no_template_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv(FRESH_WORKERS_VARIABLE, "1")
    student = Student(make_submission(tmp_path, {"problem2.py": PROBE}))
    try:
        assert student.problem2.parent() == os.getpid()
    finally:
        student.close()


# ------------------------------------------------------------------ a grader forking its template
GRADER = """
import json, os, secrets, sys, time
sys.path.insert(0, {repo!r})
import autograder.cli  # what a command has loaded when it forks
from pathlib import Path
before = secrets.token_hex(16).encode()  # exists when the template is forked
from autograder.boundary.sandbox.template import fork_early, template_for
forked = fork_early()
if not forked:
    print(json.dumps({{"forked": False}})); sys.exit(0)
after = secrets.token_hex(16).encode()  # an expected value, created after the fork
from autograder.boundary.student import Student
from selftests.engine.test_seam import make_submission
student = Student(make_submission(Path({folder!r}), {{"problem2.py": {scan!r}}}), isolate=False)
found = {{name: student.problem2.find(value[:16].decode(), value[16:].decode()) for name, value in
         (("before", before), ("after", after))}}
modules = student.problem2.modules()
print(json.dumps({{"forked": True, "found": found, "modules": modules, "template": template_for(1).pid,
                  "worker": student._process.pid}}), flush=True)
if len(sys.argv) > 1:
    time.sleep(600)  # to be killed
student.close()
"""

SCAN = '''
import re, sys

def find(head, tail):
    """Whether head + tail lies anywhere in this process's writable memory; the two halves are
    never joined here, so only a copy that came from elsewhere can match."""
    head, tail = head.encode(), tail.encode()
    with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            if not fields[1].startswith("rw") or (len(fields) > 5 and fields[5].startswith("/")):
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except (OSError, ValueError, OverflowError):
                continue
            at = data.find(head)
            while at >= 0:
                if data[at + len(head): at + len(head) + len(tail)] == tail:
                    return True
                at = data.find(head, at + 1)
    return False

def modules():
    return sorted(name for name in sys.modules if name.split(".")[0] in ("tests", "reference", "selftests"))
'''


def _run_grader(tmp_path: Path, env: dict[str, str], *extra: str) -> subprocess.Popen:
    script = GRADER.format(repo=str(REPO), folder=str(tmp_path), scan=SCAN)
    env = {key: value for key, value in env.items() if key != FRESH_WORKERS_VARIABLE}
    return subprocess.Popen([sys.executable, "-c", script, *extra], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, text=True)


def test_a_template_forked_by_the_grader_holds_nothing_created_after_it(tmp_path):
    process = _run_grader(tmp_path, plain_environment(os.environ))
    out, _ = process.communicate(timeout=300)
    report = json.loads(out.strip().splitlines()[-1])
    assert report["forked"] is True
    assert report["found"] == {"before": True, "after": False}  # the search sees what is there
    assert report["modules"] == []  # the grader imported selftests after the fork; the worker has none


def test_a_grader_whose_environment_may_hold_a_secret_does_not_fork(tmp_path):
    process = _run_grader(tmp_path, {**plain_environment(os.environ), "GITHUB_TOKEN": "ghp_not_a_real_token"})
    out, _ = process.communicate(timeout=300)
    assert json.loads(out.strip().splitlines()[-1]) == {"forked": False}


def test_the_template_and_its_workers_end_when_the_grader_is_killed(tmp_path):
    process = _run_grader(tmp_path, plain_environment(os.environ), "wait")
    report = json.loads(process.stdout.readline())
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(report[key]) for key in ("template", "worker")):
        time.sleep(0.1)
    assert not _alive(report["template"]) and not _alive(report["worker"])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")
