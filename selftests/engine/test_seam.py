"""The seam to student code (`autograder.boundary.student`): values, failures, limits and confinement.

Every test here runs real worker processes (as the sandbox user when the tests run as root, as in
CI); each worker start imports torch, so the tests share one worker where they can.
"""
from __future__ import annotations

import os
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder import checks
from autograder.deeplearning import models
from autograder.checks import CheckFailed
from autograder.boundary.sandbox import Limits, process_info, workspace
from autograder.boundary.student import (
    LookupCrashed, MissingFunction, MissingSubmission, Student, StudentError, StudentTimeout,
    WorkerCrashed,
)
from autograder.boundary.submission import find_submission
from selftests.grading import HW2_FILES
from autograder.boundary.wire import Opaque

REPO = Path(__file__).resolve().parents[2]
AS_ROOT = os.geteuid() == 0
root_only = pytest.mark.skipif(not AS_ROOT, reason="user switching needs root (CI runs as root)")

PROBLEM2 = '''
import os, random, socket, sys, time
import numpy as np
import torch

def randoms():
    return random.random(), float(np.random.rand()), torch.randn(3)

def whoami():
    return os.getuid(), os.getcwd(), os.environ.get("HOME"), sorted(os.environ)

def read(path):
    with open(path) as handle:
        return handle.read()

def write(path, text):
    with open(path, "w") as handle:
        handle.write(text)
    return True

def connect():
    socket.create_connection(("1.1.1.1", 80), timeout=2)
    return "connected"

def forbidden():
    """Which of these the sandbox let through."""
    allowed = []
    for name, attempt in (("inet6", lambda: socket.socket(socket.AF_INET6)),
                          ("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
                          ("memfd", lambda: os.memfd_create("x")),
                          ("unix", lambda: socket.socketpair())):
        try:
            attempt()
            allowed.append(name)
        except OSError:
            pass
    return allowed

def raise_named(name):
    raise type(name, (Exception,), {})("a message")

def raise_value():
    raise ValueError("the text of the error")

def edge_tensors():
    class Liar(torch.Tensor):
        def __eq__(self, other):
            return True
        def detach(self):
            raise SystemExit
    class LyingFloat(float):
        def __eq__(self, other):
            return True
    return {"nan": torch.tensor([1.0, float("nan")]), "inf": np.array([np.inf]),
            "half": torch.ones(2, dtype=torch.float16), "sparse": torch.eye(3).to_sparse(),
            "strided": torch.arange(12.0).reshape(3, 4).t(), "liar": torch.zeros(2).as_subclass(Liar),
            "float": LyingFloat(0.5), "object": object(), "size": torch.Size([2, 3])}

def mutate(x):
    x.add_(1)
    return x.sum()

def train(model, x):
    model.train()
    return model(x)

def flood(megabytes):
    chunk = "x" * 2**20
    for _ in range(megabytes):
        print(chunk)
    return "done"

def spawn_child():
    pid = os.fork()
    if pid == 0:
        time.sleep(1000)
        os._exit(0)
    return pid

def spawn_daemon():
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.write(write_end, str(os.getpid()).encode())
            time.sleep(1000)
        os._exit(0)
    os.close(write_end)
    return int(os.read(read_end, 100))

def sleep_forever():
    time.sleep(1000)

def exit_now(code):
    os._exit(code)

def reply_pipe():
    """The worker's reply pipe, as student code can find it: the write end of a pipe."""
    import fcntl
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            is_pipe = os.readlink(f"/proc/self/fd/{name}").startswith("pipe:")
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        except OSError:
            continue
        if fd > 2 and is_pipe and flags & os.O_ACCMODE == os.O_WRONLY:
            return fd

def forge_reply():
    from autograder.boundary import framing  # the worker has imported it
    framing.write_message(reply_pipe(), {"ok": True, "id": "0" * 16, "value": 100.0})
    return 1.0

def garbage():
    os.write(reply_pipe(), b"\\xff" * 64)
    time.sleep(5)

def hog_memory(megabytes_per_step):
    kept = []
    while True:
        kept.append(torch.ones(megabytes_per_step * 2**18))
        time.sleep(0.05)

def backtrack():
    import re
    return bool(re.match(r"(a+)+$", "a" * 60 + "b"))
'''


def make_submission(tmp_path: Path, files: dict[str, str]):
    root = tmp_path / "submission"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))
    return find_submission(root, tmp_path / "converted", *HW2_FILES)


@pytest.fixture(scope="module")
def seam(tmp_path_factory: pytest.TempPathFactory):
    """One worker shared by the tests that leave it alive."""
    student = Student(make_submission(tmp_path_factory.mktemp("seam"), {"problem2.py": PROBLEM2}),
                      call_timeout=60)
    yield student
    student.close()


def alive(pid: int) -> bool:
    info = process_info(pid)
    return info is not None and not info.zombie


# ----------------------------------------------------------------------------- values
def test_values_come_back_as_plain_data(seam):
    first, second = seam.problem2.randoms(), seam.problem2.randoms()
    assert first[:2] == second[:2] and torch.equal(first[2], second[2])  # seeded before each call
    values = seam.problem2.edge_tensors()
    assert all(type(values[k]) is torch.Tensor for k in ("nan", "half", "sparse", "strided", "liar"))
    assert type(values["inf"]) is np.ndarray and type(values["float"]) is float
    assert values["sparse"].layout == torch.strided and torch.equal(values["sparse"], torch.eye(3))
    assert torch.equal(values["strided"], torch.arange(12.0).reshape(3, 4).t())
    assert values["liar"].tolist() == [0.0, 0.0] and values["half"].dtype == torch.float16
    assert isinstance(values["object"], Opaque) and values["size"] == (2, 3)
    with pytest.raises(CheckFailed, match="NaN or infinite"):
        checks.as_array(values["nan"], "x")
    with pytest.raises(CheckFailed, match="NaN or infinite"):
        checks.as_array(values["inf"], "x")
    with pytest.raises(CheckFailed, match="must be a tensor"):
        checks.as_array(values["object"], "x")


def test_same_submission_same_values_in_a_new_worker(seam, tmp_path):
    other = Student(make_submission(tmp_path, {"problem2.py": PROBLEM2}))
    try:
        a, b = seam.problem2.randoms(), other.options(seed=0).problem2.randoms()
        c = other.options(seed=1).problem2.randoms()
    finally:
        other.close()
    assert a[:2] == b[:2] and torch.equal(a[2], b[2])
    assert a[0] != c[0]


def test_mutations_and_forward_log_are_reported(seam):
    x = torch.zeros(3)
    outcome = seam.problem2.mutate.outcome(x)
    assert outcome.mutations.inputs == ("x",) and float(outcome.value) == 3.0
    assert torch.equal(x, torch.zeros(3))  # the grader's copy is untouched
    spec = models.layers([("lin", "Linear", dict(in_features=2, out_features=1))], seed=0)
    model = models.build_model(spec)
    model.eval()
    outcome = seam.problem2.train.outcome(spec, torch.ones(4, 2))
    assert outcome.forward_log and outcome.forward_log[0]["training"] is True
    assert outcome.mutations.training  # left in train mode


NAN = float("nan")


@pytest.mark.parametrize("before, after, same", [
    (torch.tensor([NAN, 1.0]), torch.tensor([NAN, 1.0]), True),          # a NaN that stays NaN
    (torch.tensor([0.0]), torch.tensor([-0.0]), False),                   # equal, other bits
    (torch.arange(9.0)[1:], torch.arange(9.0)[1:].clone(), True),         # unaligned start
    (torch.arange(9.0)[1:], torch.arange(1.0, 9.0) + 1, False),
    (torch.zeros(3, dtype=torch.uint8), torch.zeros(3, dtype=torch.uint8), True),  # odd size
    (torch.zeros(3, dtype=torch.int8), torch.tensor([0, 0, 1], dtype=torch.int8), False),
    (torch.zeros(2), torch.zeros(2, dtype=torch.float64), False),         # dtype
    (torch.zeros(2, 3), torch.zeros(3, 2), False),                        # shape
    (torch.tensor(2.0), torch.tensor(2.0), True),                         # 0-d
], ids=["nan", "signed zero", "unaligned", "unaligned changed", "odd bytes", "one byte changed",
        "dtype", "shape", "0-d"])
def test_a_change_is_found_bit_for_bit(before, after, same):
    from autograder.boundary.worker import _same

    assert _same(before, after) is same


# ----------------------------------------------------------------------------- failures
def test_exception_messages_name_only_builtin_types(seam):
    with pytest.raises(StudentError) as caught:
        seam.problem2.raise_named("Leak_42_17_99")
    assert "Leak_42" not in caught.value.message and "Leak_42_17_99" in caught.value.detail
    with pytest.raises(StudentError) as caught:
        seam.problem2.raise_value()
    assert "ValueError" in caught.value.message and "the text of the error" not in caught.value.message
    assert "the text of the error" in caught.value.detail
    with pytest.raises(MissingFunction):
        seam.problem2.no_such_function()
    with pytest.raises(MissingSubmission):
        seam.problem3.anything()


def test_timeouts_and_crashes_fail_one_call_and_the_next_call_works(seam):
    started = time.monotonic()
    with pytest.raises(StudentTimeout, match="within 2 s"):
        seam.options(timeout=2).problem2.backtrack()  # one long C-level call (regex backtracking)
    assert time.monotonic() - started < 30
    with pytest.raises(StudentTimeout):
        seam.options(timeout=2).problem2.sleep_forever()
    with pytest.raises(WorkerCrashed, match="crashed the process") as caught:
        seam.problem2.exit_now(3)
    assert "Exit status 3" in caught.value.detail
    assert seam.problem2.randoms()[0] < 1


def test_a_lookup_that_kills_its_worker_is_not_repeated_a_call_that_does_is(tmp_path):
    """A module-level __getattr__ that exits dies before the call sees its arguments: the later
    calls of that function fail at once, saying why; a function that dies while running is run
    again on the next call (it may die only on some inputs)."""
    student = Student(make_submission(tmp_path, {
        "problem2.py": PROBLEM2,
        "problem3.py": "import os\n\ndef __getattr__(name):\n    os._exit(1)\n"}))
    try:
        with pytest.raises(LookupCrashed, match="looking up problem3.f in its file .before calling"):
            student.problem3.f(1)
        started = time.monotonic()
        with pytest.raises(LookupCrashed, match="not run again: looking up problem3.f"):
            student.problem3.f(2)
        assert time.monotonic() - started < 0.5 and student._process is None  # no new worker
        with pytest.raises(LookupCrashed):
            student.problem3.g()  # another name: looked up, and crashing, once of its own
        for _ in range(2):
            with pytest.raises(WorkerCrashed, match="^problem2.exit_now crashed") as caught:
                student.problem2.exit_now(3)
            assert not isinstance(caught.value, LookupCrashed)
    finally:
        student.close()


def test_replies_out_of_turn_or_malformed_crash_the_call(seam):
    with pytest.raises(WorkerCrashed, match="out-of-turn"):
        seam.problem2.forge_reply()
    with pytest.raises(WorkerCrashed):
        seam.options(timeout=20).problem2.garbage()
    assert isinstance(seam.problem2.randoms()[0], float)


def test_a_function_that_timed_out_fails_its_later_calls_at_once(seam):
    """One function that hangs costs one deadline, not one per check that calls it."""
    with pytest.raises(StudentTimeout, match="within 2 s"):
        seam.options(timeout=2).problem2.sleep_forever()
    started = time.monotonic()
    with pytest.raises(StudentTimeout, match="was not run again: .*remaining calls fail at once"):
        seam.options(timeout=2).problem2.sleep_forever()
    assert time.monotonic() - started < 1
    assert isinstance(seam.problem2.randoms()[0], float)  # the module's other functions still run


def test_a_module_getattr_that_raises_is_the_students_error_not_a_crash(tmp_path):
    """`def __getattr__(name): raise NotImplementedError` must not kill the worker on every call."""
    student = Student(make_submission(tmp_path, {
        "problem2.py": "def ok():\n    return 1\n\ndef __getattr__(name):\n"
                       "    raise NotImplementedError(name)\n"}))
    try:
        with pytest.raises(StudentError, match="looking up missing in problem2.py raised "
                                               "NotImplementedError"):
            student.problem2.missing()
        pid = student._process.pid
        assert student.problem2.ok() == 1 and student._process.pid == pid  # the same worker
    finally:
        student.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox switches users only as root")
def test_the_copy_of_a_submission_is_readable_by_its_own_worker_only(tmp_path):
    """Two graders at once (regrade, xdist): one worker must not read the other's submission."""
    student = Student(make_submission(tmp_path, {"problem2.py": "def ok():\n    return 1\n"}))
    try:
        assert student.problem2.ok() == 1
        folder = student.sandbox.submission
        for path in (folder, *folder.iterdir()):
            info = path.stat()
            assert info.st_uid == 0 and info.st_gid == student.sandbox.identity.gid
            assert not info.st_mode & 0o007, f"{path} is readable by other users"
    finally:
        student.close()


def test_an_import_that_hangs_is_not_retried(tmp_path):
    student = Student(make_submission(tmp_path, {
        "problem3.py": "import time\nwhile True:\n    time.sleep(0.1)\n",
        "problem2.py": "def ok():\n    return 1\n"}))
    try:
        with pytest.raises(StudentTimeout, match="importing problem3.py"):
            student.options(timeout=3).problem3.f()
        started = time.monotonic()
        with pytest.raises(StudentTimeout, match="was not run"):
            student.problem3.g()
        assert time.monotonic() - started < 1 and student._process is None
        assert student.problem2.ok() == 1  # other files still work
    finally:
        student.close()


def test_output_is_capped_without_failing_the_call(seam):
    assert seam.problem2.flood(12) == "done"
    assert seam._log_path.stat().st_size < 5 * 2**20


# ----------------------------------------------------------------------------- confinement
def test_worker_is_confined(seam):
    uid, cwd, home, env = seam.problem2.whoami()
    assert cwd == home == str(seam.sandbox.home)
    assert not any(name.startswith(("AUTOGRADER_SUBMISSION", "GITHUB", "AWS")) for name in env)
    if AS_ROOT:
        assert uid == seam.sandbox.identity.uid != 0
    with pytest.raises(StudentError, match="PermissionError"):
        seam.problem2.connect()
    if seam.confinement.get("seccomp"):  # x86-64 and arm64
        assert seam.problem2.forbidden() == ["unix"]


@root_only
def test_secrets_and_the_engine_are_out_of_reach(seam):
    for secret in (REPO / "reference" / "hw2" / "problem2.py", REPO / "tests" / "hw2" / "hidden",
                   REPO / "autograder" / "checks.py", REPO / ".git" / "HEAD"):
        with pytest.raises(StudentError, match="PermissionError"):
            seam.problem2.read(str(secret))
    with pytest.raises(StudentError, match="PermissionError"):
        seam.problem2.write(str(seam.sandbox.engine / "autograder" / "checks.py"), "")
    with pytest.raises(StudentError, match="PermissionError"):
        seam.problem2.write(str(seam.sandbox.files["problem2"]), "")


@root_only
def test_every_process_of_the_student_dies_with_the_worker(seam):
    child, daemon = seam.problem2.spawn_child(), seam.problem2.spawn_daemon()
    time.sleep(0.2)
    assert alive(child) and alive(daemon)
    seam.reset()
    assert not alive(child) and not alive(daemon)
    assert seam.problem2.randoms()  # and a fresh worker serves the next call


def test_without_a_user_switch_the_session_is_killed(tmp_path):
    student = Student(make_submission(tmp_path, {"problem2.py": PROBLEM2}), isolate=False)
    try:
        child = student.problem2.spawn_child()
        assert alive(child)
        student.reset()
        assert not alive(child)
    finally:
        student.close()


def test_memory_watchdog_kills_a_growing_worker(tmp_path):
    student = Student(make_submission(tmp_path, {"problem2.py": PROBLEM2}),
                      limits=Limits(memory_mb=700))
    try:
        with pytest.raises(WorkerCrashed, match="used more than 700 MB of memory"):
            student.options(timeout=60).problem2.hog_memory(20)
    finally:
        student.close()


def test_the_next_worker_outlives_the_watchdog_that_killed_the_last(tmp_path, monkeypatch):
    """A watchdog's kill sweeps every process of the sandbox's user; one still sweeping when the
    replacement worker starts would kill it (a forked worker starts in milliseconds)."""
    sweep = workspace.kill_matching

    def slow_sweep(match, **kwargs):
        done = sweep(match, **kwargs)
        if threading.current_thread().name == "autograder-watchdog":
            time.sleep(2)  # a slow /proc scan: the grader has moved on by now
            done = sweep(match, **kwargs)
        return done

    monkeypatch.setattr(workspace, "kill_matching", slow_sweep)
    student = Student(make_submission(tmp_path, {"problem2.py": PROBLEM2}),
                      limits=Limits(memory_mb=700))
    try:
        with pytest.raises(WorkerCrashed, match="used more than 700 MB of memory"):
            student.options(timeout=60).problem2.hog_memory(50)
        assert student.problem2.randoms()[0] < 1
        replacement = student._process.pid
        time.sleep(3)
        assert alive(replacement)
    finally:
        student.close()


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_WORKER_MEMORY_MB", "512")
    monkeypatch.setenv("AUTOGRADER_WORKER_THREADS", "not a number")
    limits = Limits.from_env()
    assert limits.memory_mb == 512 and limits.threads == Limits().threads
    rlimits = limits.rlimits(dedicated_user=True, gpu=False)
    assert rlimits["data_bytes"] > 512 * 2**20 and rlimits["nproc"] == limits.processes
    assert "data_bytes" not in limits.rlimits(dedicated_user=False, gpu=True)
    assert "nproc" not in limits.rlimits(dedicated_user=False, gpu=False)
