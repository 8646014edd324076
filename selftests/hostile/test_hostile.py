"""The hostile corpus: each case in `cases/` is graded end to end, the way Gradescope runs it.

A case is the reference `problem3.py` with the case's code appended (a later `def` replaces the
reference's), plus `hostile_kit.py` (`kit.py`) and, for a folder case, the folder's other files.
The header of the case's code says what must happen:

    # expect: full | zero | 3.a,3.b   (those parts lose points, every other part keeps all of them)
    # limits: CALL_S=3 MEMORY_MB=600  (AUTOGRADER_WORKER_* settings for this grading)
    # check: settle listener          (settle: results.json is read 1.5 s after grading; listener:
                                      the test's TCP listener on 127.0.0.1 must get no connection)
    # absent: TEXT                    (TEXT must appear nowhere in results.json)
    # not-in-messages: TEXT           (nor in any check's message: hidden checks show only that)
    # never: TEXT                     (the attack's notes never record TEXT: it never succeeded)
    # xfail: REASON                   (a known hole, fixed elsewhere: strict, so the fix shows)

and, for every case: results.json is valid and holds the grader's own scores (nothing forged), no
text of a reference solution or hidden check reaches it, no process the case started is alive
afterwards, nothing in the autograder folder belongs to the sandbox user, no code of the case ran
as root, and a file the case tries to overwrite through a link is untouched. The results folder
is world-writable on purpose: the worst case for the grader.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import pytest

from autograder.boundary.sandbox import SANDBOX_USER, SLOTS, process_info
from selftests.grading import SCHEMA, part_scores

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CASES = sorted(p for p in (HERE / "cases").iterdir() if p.suffix == ".py" or p.is_dir())
XFAIL = re.compile(r"^# xfail: (.*)$", re.M)
PROBLEM = "problem3"
GRADE_TIMEOUT_S = 300
BASE_LIMITS = {"AUTOGRADER_WORKER_CALL_S": "10"}  # no check of problem 3 needs more


@dataclass
class Case:
    name: str
    code: str
    extra_files: list[Path]
    expect: str = "full"
    limits: dict[str, str] = field(default_factory=dict)
    checks: set[str] = field(default_factory=set)
    absent: list[str] = field(default_factory=list)
    not_in_messages: list[str] = field(default_factory=list)
    never: list[str] = field(default_factory=list)


def load_case(path: Path) -> Case:
    source = path / "case.py" if path.is_dir() else path
    case = Case(path.stem, source.read_text(),
                sorted(p for p in path.rglob("*") if p.is_file() and p.name != "case.py")
                if path.is_dir() else [])
    for key, value in re.findall(r"^# (expect|limits|check|absent|not-in-messages|never): (.*)$",
                                 case.code, re.M):
        if key == "expect":
            case.expect = value.strip()
        elif key == "limits":
            case.limits.update(item.split("=", 1) for item in value.split())
        elif key == "check":
            case.checks.update(value.split())
        elif key == "absent":
            case.absent.append(value.strip().encode().decode("unicode_escape"))
        elif key == "never":
            case.never.append(value.strip())
        else:
            case.not_in_messages.append(value.strip())
    return case


def secret_snippets() -> list[str]:
    """Distinctive lines of every reference solution and hidden check the case does not submit."""
    files = [p for p in (REPO / "reference" / "hw2").glob("*.py") if p.name != f"{PROBLEM}.py"]
    files += list((REPO / "tests" / "hw2" / "hidden").glob("*.py"))
    snippets = set()
    for path in files:
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) >= 40 and not line.startswith(("#", "from ", "import ")):
                snippets.add(line)
    return sorted(snippets)


def sandbox_uids() -> set[int]:
    import pwd

    uids = set()
    for slot in range(SLOTS):
        try:
            uids.add(pwd.getpwnam(SANDBOX_USER if slot == 0 else f"{SANDBOX_USER}{slot}").pw_uid)
        except KeyError:
            pass
    return uids


class Listener(threading.Thread):
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.accepted = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.accepted += 1
            connection.close()

    def stop(self) -> None:
        self.running = False
        self.join()
        self.server.close()


@pytest.fixture
def arena():
    """A folder the sandbox user can reach: marker (anyone may write), root-only, results, and
    the submission."""
    base = Path(tempfile.mkdtemp(prefix="autograder-hostile-", dir="/tmp"))
    os.chmod(base, 0o711)
    for name, mode in (("marker", 0o777), ("root-only", 0o700), ("results", 0o777), ("submission", 0o755)):
        (base / name).mkdir()
        os.chmod(base / name, mode)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def build_submission(case: Case, arena: Path, port: int) -> Path:
    token = f"hostile-{case.name}-{uuid.uuid4().hex[:8]}"

    def fill(text: str) -> str:
        return (text.replace("__MARKER__", str(arena / "marker")).replace("__REPO__", str(REPO))
                .replace("__TOKEN__", token).replace("__PORT__", str(port)))

    folder = arena / "submission"
    reference = (REPO / "reference" / "hw2" / f"{PROBLEM}.py").read_text()
    (folder / f"{PROBLEM}.py").write_text(reference + "\n\n# ---- hostile case ----\n" + fill(case.code))
    (folder / "hostile_kit.py").write_text(fill((HERE / "kit.py").read_text()))
    root = HERE / "cases" / case.name
    for path in case.extra_files:
        target = folder / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(fill(path.read_text()))
    for path in folder.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return folder


def grade(submission: Path, results: Path, limits: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_WORKER_")}
    env.update(BASE_LIMITS)
    env.update({f"AUTOGRADER_WORKER_{k}": v for k, v in limits.items()})
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(submission), "--results", str(results),
         "--only", PROBLEM], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=GRADE_TIMEOUT_S)


def case_parameters() -> list:
    params = []
    for path in CASES:
        found = XFAIL.search((path / "case.py" if path.is_dir() else path).read_text())
        marks = [pytest.mark.xfail(reason=found.group(1), strict=True)] if found else []
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


@pytest.mark.parametrize("path", case_parameters())
def test_hostile_case(path: Path, arena: Path) -> None:
    case = load_case(path)
    listener = Listener()
    listener.start()
    target = arena / "marker" / "target.txt"
    target.write_text("untouched\n")
    os.chmod(target, 0o644)
    results = arena / "results" / "results.json"
    try:
        completed = grade(build_submission(case, arena, listener.port), results, case.limits)
        if "settle" in case.checks:
            time.sleep(1.5)  # a survivor would rewrite results.json now
    finally:
        listener.stop()
    log = f"{completed.stdout[-3000:]}\n{completed.stderr[-6000:]}\nnotes:\n{notes(arena)}"
    assert completed.returncode == 0, log
    assert results.is_file() and not results.is_symlink(), log
    text = results.read_text()
    data = json.loads(text)
    jsonschema.validate(data, SCHEMA)

    # The grader's own scores, nothing forged.
    assert "FORGED" not in text, log
    assert abs(data["score"] - sum(t["score"] for t in data["tests"])) < 1e-6, log
    check_expected_parts(case, part_scores(data), log)

    # Nothing secret, no control characters, nothing the case marked as forbidden.
    leaked = [s for s in secret_snippets() if s in text]
    assert not leaked, f"reference or hidden-check text in results.json: {leaked[:3]}"
    shown = "\n".join(strings_in(data))
    for needle in case.absent:
        assert needle not in shown, f"{needle!r} reached results.json\n{log}"
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x9b]", shown), "control characters shown"
    messages = "\n".join(test.get("output", "").split("```")[0] for test in data["tests"])
    for needle in case.not_in_messages:
        assert needle not in messages, f"{needle!r} reached a check's message\n{log}"

    for needle in case.never:
        assert needle not in notes(arena), f"the attack succeeded: {needle!r}\n{notes(arena)}"

    # Nothing left running, nothing changed, nothing ran as root.
    survivors = [pid for pid, start in recorded_pids(arena) if still_running(pid, start)]
    assert not survivors, f"processes of the case still alive: {survivors}"
    assert not list((arena / "root-only").iterdir()), "code of the case ran as root"
    assert target.read_text() == "untouched\n"
    if "listener" in case.checks:
        assert listener.accepted == 0, "the worker reached the network"
    if os.geteuid() == 0:
        owned = owned_by_sandbox(REPO)
        assert not owned, f"files of the sandbox user in the autograder folder: {owned[:5]}"
        left = [p for d in ("/tmp", "/var/tmp", "/dev/shm") for p in Path(d).glob("hostile-*")]
        assert not [p for p in left if case.name in p.name], f"files left behind: {left[:5]}"


def check_expected_parts(case: Case, parts: dict[str, tuple[float, float]], log: str) -> None:
    assert parts, log
    if case.expect == "full":
        losing: set[str] = set()
    elif case.expect == "zero":
        assert all(score == 0 for score, _ in parts.values()), f"{parts}\n{log}"
        return
    else:
        losing = set(case.expect.replace(" ", "").split(","))
    for label, (score, top) in parts.items():
        if label in losing:
            assert score < top, f"part {label} should lose points: {parts}\n{log}"
        else:
            assert score == top, f"part {label} should keep all its points: {parts}\n{log}"


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def notes(arena: Path) -> str:
    path = arena / "marker" / "notes.txt"
    return path.read_text()[-3000:] if path.exists() else ""


def recorded_pids(arena: Path) -> list[tuple[int, str]]:
    path = arena / "marker" / "pids.txt"
    if not path.exists():
        return []
    return [(int(pid), start) for pid, start in
            (line.split() for line in path.read_text().splitlines() if line.strip())]


def still_running(pid: int, start: str) -> bool:
    info = process_info(pid)
    if info is None or info.zombie:
        return False
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19] == start
    except OSError:
        return False


def owned_by_sandbox(folder: Path) -> list[str]:
    uids = sandbox_uids()
    found = []
    for root, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if f not in (".git", ".venv", "__pycache__")]
        for name in folders + files:
            try:
                if os.lstat(os.path.join(root, name)).st_uid in uids:
                    found.append(os.path.join(root, name))
            except OSError:
                pass
    return found


class _Payload:
    """Unpickling this runs `os.makedirs(path)`: the proof that a checkpoint's code ran."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (os.makedirs, (self.path,))


@pytest.mark.parametrize("layout", ["torch.save", "raw pickle"])
def test_a_checkpoint_with_a_pickle_payload_runs_nothing(layout: str, arena: Path) -> None:
    import pickle

    import torch

    from autograder.boundary.student import Student, StudentError
    from autograder.boundary.submission import find_submission
    from selftests.grading import HW2_FILES

    folder = arena / "submission"
    ran_as_anyone, ran_as_root = arena / "marker" / "payload-ran", arena / "root-only" / "payload-ran"
    content = {"state_dict": {"m.1.0.weight": torch.zeros(1)}, "hook": _Payload(ran_as_anyone),
               "root": _Payload(ran_as_root)}
    if layout == "torch.save":
        torch.save(content, folder / "allcnn.pt")
    else:
        (folder / "allcnn.pt").write_bytes(pickle.dumps(content))
    os.chmod(folder / "allcnn.pt", 0o644)
    student = Student(find_submission(folder, arena / "converted", *HW2_FILES))
    try:
        with pytest.raises(StudentError):
            student.read_checkpoint("allcnn.pt", max_bytes=2**20)
    finally:
        student.close()
    assert not ran_as_anyone.exists() and not ran_as_root.exists()
