"""`python -m autograder rehearse [--assignment NAME | --zip ZIP] SUBMISSION`: a Gradescope run, locally.

Gradescope unpacks the autograder zip into `/autograder/source`, runs `setup.sh` there once when it
builds the image, then for every submission puts the student's files in `/autograder/submission`,
copies `run_autograder` to `/autograder/run_autograder` and runs it as root; it reads
`/autograder/results/results.json` afterwards. The rehearsal builds the same layout in a temporary
root (`source/`, `submission/`, `results/`, `submission_metadata.json`, `run_autograder`), points
`run_autograder` at it with AUTOGRADER_SUBMISSION and AUTOGRADER_RESULTS (it finds `source/` beside
itself, as on Gradescope), runs it, and checks the results.json it leaves: Gradescope's schema, a
score that is the sum of the tests' scores, every part present with exactly its points.

`--reuse-venv` skips `setup.sh` (which installs PyTorch: minutes and gigabytes) and links
`source/.venv` to an existing virtual environment instead, the running one by default; the
self-tests rehearse that way. Without it the rehearsal runs `setup.sh` as Gradescope does.
While `run_autograder` runs, the rehearsal samples the memory of all its processes (the grader and
the workers that run student code), so the instructor knows what memory limit to choose.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.assignment import Assignment, AssignmentError
from autograder.course import COURSE_ROOT, add_assignment_argument, find_assignment, read_registry
from autograder.results import Results, TestResult, format_points, validate

REPO_ROOT = COURSE_ROOT
DEFAULT_TIMEOUT_S = 40 * 60  # Gradescope's largest time limit
_TOLERANCE = 1e-3


@dataclass
class Rehearsal:
    """What one rehearsal saw; `problems` is empty when Gradescope would be satisfied."""

    root: Path
    settings: Assignment | None = None  # the zip's own settings
    exit_code: int | None = None
    seconds: float = 0.0
    peak_memory_mb: float | None = None
    peak_by_role_mb: dict[str, float] = field(default_factory=dict)
    results: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)
    log: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def table(self) -> str:
        """The per-part table `grade` prints, rebuilt from results.json."""
        tests = [TestResult(name=t["name"], number=t.get("number", ""), score=t["score"],
                            max_score=t["max_score"], status=t.get("status", "failed"),
                            output=t.get("output", "")) for t in (self.results or {}).get("tests", [])]
        return Results(tests=tests, parts=self.settings.parts if self.settings else ()).table()


# ------------------------------------------------------------------------------ the layout

def prepare_root(root: Path, zip_path: Path, submission: Path) -> None:
    """Gradescope's /autograder, in `root`."""
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)  # as /autograder: the sandbox user must pass through to the interpreter
    source = root / "source"
    unpack(zip_path, source)
    for required in ("setup.sh", "run_autograder"):
        if not (source / required).is_file():
            raise RehearsalError(f"{zip_path} has no {required} at its root")
    shutil.copy2(source / "run_autograder", root / "run_autograder")
    (root / "results").mkdir()
    place_submission(submission, root / "submission")


def write_metadata(root: Path, settings: Assignment) -> None:
    """A submission_metadata.json shaped like Gradescope's (the grader does not read it)."""
    metadata = {
        "id": 1, "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "submission_method": "upload",
        "assignment": {"id": 1, "title": f"{settings.name} (rehearsal)",
                       "total_points": f"{settings.total_points:.1f}",
                       "release_date": None, "due_date": None, "late_due_date": None},
        "users": [{"email": "student@example.edu", "id": 1, "name": "Rehearsal Student"}],
        "previous_submissions": [],
    }
    (root / "submission_metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")


def unpack(zip_path: Path, destination: Path) -> None:
    """Extract like `unzip`: file modes kept (run_autograder and setup.sh stay executable)."""
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = Path(archive.extract(info, destination))
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                os.chmod(target, mode)


def place_submission(submission: Path, destination: Path) -> None:
    """A folder is copied as it is, a .zip unpacked (as Gradescope does with an uploaded zip),
    any other file copied in alone."""
    if submission.is_dir():
        shutil.copytree(submission, destination, symlinks=True)
        return
    destination.mkdir()
    if submission.suffix.lower() == ".zip":
        with zipfile.ZipFile(submission) as archive:
            archive.extractall(destination)
    elif submission.is_file():
        shutil.copy2(submission, destination / submission.name)
    else:
        raise RehearsalError(f"no submission at {submission}")


def set_up(source: Path, reuse_venv: Path | None, log: Path, timeout: float,
           python: str | None = None) -> None:
    """Run setup.sh as Gradescope does (with `python` as its PYTHON, e.g. a 3.10 like Ubuntu
    22.04's), or link an existing virtual environment in its place."""
    if reuse_venv is not None:
        if not (reuse_venv / "bin" / "python").exists():
            raise RehearsalError(f"{reuse_venv} is not a virtual environment (no bin/python)")
        (source / ".venv").symlink_to(reuse_venv.resolve(), target_is_directory=True)
        return
    with open(log, "wb") as output:
        env = dict(os.environ, **({"PYTHON": python} if python else {}))
        completed = subprocess.run(["bash", "setup.sh"], cwd=source, stdout=output, env=env,
                                   stderr=subprocess.STDOUT, timeout=timeout, check=False)
    if completed.returncode != 0:
        raise RehearsalError(f"setup.sh failed with exit status {completed.returncode}:\n"
                             + _tail(log.read_text(errors="replace")))


class RehearsalError(RuntimeError):
    """The rehearsal could not run `run_autograder` (a bad zip, setup failed, ...)."""


# ------------------------------------------------------------------------------ running

class MemorySampler(threading.Thread):
    """Peak, over time, of the summed proportional memory (PSS) of a process and all its
    descendants: what a container's memory limit sees, shared libraries counted once. Peaks
    per role (the grader, the workers running student code) are kept too."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        super().__init__(name="rehearsal-memory", daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_bytes = 0
        self.peak_by_role: dict[str, int] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            by_role: dict[str, int] = {}
            for pid in descendants(self.pid, include_self=True):
                role = _role(pid)
                by_role[role] = by_role.get(role, 0) + _pss_bytes(pid)
            self.peak_bytes = max(self.peak_bytes, sum(by_role.values()))
            for role, used in by_role.items():
                self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), used)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _role(pid: int) -> str:
    """"grader", "worker" (a process running student code) or "other", from its command line."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            arguments = handle.read().split(b"\0")
    except OSError:
        return "other"
    if arguments[1:3] == [b"-m", b"autograder"]:
        return "grader"
    if arguments[1:4] == [b"-I", b"-B", b"-c"]:
        return "worker"
    return "other"


def descendants(pid: int, *, include_self: bool = False) -> list[int]:
    """`pid`'s process tree (processes that double-forked away end under the grader, which is a
    subreaper, so they are still in it)."""
    children = _children_map()
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found if include_self else found[1:]


def _children_map() -> dict[int, list[int]]:
    """Parent pid -> its children's pids, from every /proc/PID/stat."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(name))
    return children


def _pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run_autograder(root: Path, *, data_dir: Path | None,
                   timeout: float) -> tuple[int | None, float, MemorySampler, str]:
    """(exit status or None on timeout, seconds, its memory sampler, its output)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("AUTOGRADER_SOURCE", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(AUTOGRADER_SUBMISSION=str(root / "submission"),
               AUTOGRADER_RESULTS=str(root / "results" / "results.json"))
    if data_dir is not None:
        env["AUTOGRADER_DATA"] = str(data_dir.resolve())
    log_path = root / "run_autograder.log"
    started = time.monotonic()
    with open(log_path, "wb") as output:
        process = subprocess.Popen([str(root / "run_autograder")], cwd=root, env=env,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        sampler = MemorySampler(process.pid)
        sampler.start()
        try:
            code: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(process)
            code = None
        finally:
            sampler.stop()
    return code, time.monotonic() - started, sampler, log_path.read_text(errors="replace")


def _kill_tree(process: subprocess.Popen) -> None:
    for pid in descendants(process.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass
    process.wait()


# ------------------------------------------------------------------------------ checking

def check_results(path: Path, settings: Assignment) -> tuple[dict[str, Any] | None, list[str]]:
    """The results.json document and what is wrong with it (nothing, for a good run)."""
    if not path.is_file():
        return None, [f"no results.json at {path}: Gradescope would show 'The autograder failed "
                      "to execute correctly'"]
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        validate(document)
    except Exception as error:  # not JSON, or not Gradescope's format
        return None, [f"results.json is not valid for Gradescope: {type(error).__name__}: "
                      f"{str(error)[:500]}"]
    tests = document.get("tests", [])
    if not tests:
        return document, ["results.json holds no tests: it is the placeholder written before "
                          "grading, so grading did not finish (see the log)"]
    problems = []
    total = sum(test["score"] for test in tests)
    if abs(document["score"] - total) > _TOLERANCE:
        problems.append(f"the score {document['score']} is not the sum of the tests' scores {total:g}")
    for test in tests:
        if test.get("number") not in settings.labels():
            problems.append(f"test {test['name']!r} has number {test.get('number')!r}, not a part")
        if not 0 <= test["score"] <= test["max_score"] + _TOLERANCE:
            problems.append(f"test {test['name']!r} scores {test['score']} of {test['max_score']}")
    for part in settings.parts:
        maximum = sum(test["max_score"] for test in tests if test.get("number") == part.label)
        if abs(maximum - part.points) > _TOLERANCE:
            problems.append(f"part {part.label} is worth {format_points(maximum)} in results.json, "
                            f"not its {format_points(part.points)} points")
    return document, problems


def rehearse(zip_path: Path, submission: Path, *, reuse_venv: Path | None = None,
             data_dir: Path | None = None, timeout: float = DEFAULT_TIMEOUT_S,
             root: Path | None = None, python: str | None = None) -> Rehearsal:
    """Unpack, set up, run and check; the root is kept only when given."""
    zip_path, submission = Path(zip_path).resolve(), Path(submission).resolve()
    if not zip_path.is_file():
        raise RehearsalError(f"no zip at {zip_path}: run `python -m autograder build` first")
    keep = root is not None
    root = Path(root).resolve() if keep else Path(tempfile.mkdtemp(prefix="gradescope-rehearsal-"))
    if keep and root.exists() and any(root.iterdir()):
        raise RehearsalError(f"{root} is not empty; give an empty or new folder")
    rehearsal = Rehearsal(root)
    try:
        prepare_root(root, zip_path, submission)
        try:
            settings = rehearsal.settings = find_assignment(root=root / "source").settings
        except AssignmentError as error:
            raise RehearsalError(f"the zip's settings are invalid: {error}") from None
        write_metadata(root, settings)
        set_up(root / "source", reuse_venv, root / "setup.log", timeout, python)
        code, seconds, memory, log = run_autograder(root, data_dir=data_dir, timeout=timeout)
        rehearsal.exit_code, rehearsal.seconds, rehearsal.log = code, seconds, log
        rehearsal.peak_memory_mb = memory.peak_bytes / 2**20 if memory.peak_bytes else None
        rehearsal.peak_by_role_mb = {role: used / 2**20 for role, used in memory.peak_by_role.items()}
        if code is None:
            rehearsal.problems.append(f"run_autograder did not finish within {timeout:g} s")
        elif code != 0:
            rehearsal.problems.append(f"run_autograder exited with status {code}")
        rehearsal.results, problems = check_results(root / "results" / "results.json", settings)
        rehearsal.problems += problems
        return rehearsal
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


# ------------------------------------------------------------------------------ command line
HELP = "instructors: run dist/NAME/autograder.zip on a submission as Gradescope would, and check it"


def default_zip(assignment: str | None) -> Path:
    """`dist/NAME/autograder.zip`, as `build --assignment NAME` writes it."""
    return REPO_ROOT / "dist" / (assignment or read_registry().default) / "autograder.zip"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submission", type=Path,
                        help="a submission: a folder, a .zip as a student uploads it, or one file")
    add_assignment_argument(parser)
    parser.add_argument("--zip", type=Path, default=None,
                        help="the autograder zip (default: dist/NAME/autograder.zip)")
    parser.add_argument("--reuse-venv", nargs="?", type=Path, const=Path(sys.prefix), default=None,
                        metavar="VENV", help="skip setup.sh and link source/.venv to VENV "
                        "(default: the running virtual environment); setup.d steps do not run")
    parser.add_argument("--python", default=None, metavar="PYTHON",
                        help="the interpreter setup.sh builds .venv with (Gradescope's Ubuntu "
                             "22.04 image has Python 3.10; default: python3; not with --reuse-venv)")
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="the checks' data folder, as AUTOGRADER_DATA (default: the zip's data/)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="build the layout in DIR and keep it (default: a temporary folder)")
    parser.add_argument("--results", type=Path, default=None, metavar="FILE",
                        help="copy the results.json it produced to FILE")


def run_command(args: argparse.Namespace) -> int:
    """0 when results.json is what Gradescope needs, 1 otherwise."""
    if os.geteuid() != 0:
        print("rehearse: not root, so student code runs as you: the sandbox's user switch and "
              "lock-down are not rehearsed (Gradescope runs as root)", file=sys.stderr)
    try:
        if args.zip is None:
            args.zip = default_zip(args.assignment)
        rehearsal = rehearse(args.zip, args.submission, reuse_venv=args.reuse_venv,
                             data_dir=args.data, timeout=args.timeout, root=args.keep,
                             python=args.python)
    except (RehearsalError, AssignmentError, OSError, zipfile.BadZipFile,
            subprocess.TimeoutExpired) as error:
        print(f"rehearse: {error}", file=sys.stderr)
        return 1
    if args.results is not None and rehearsal.results is not None:
        args.results.write_text(json.dumps(rehearsal.results, indent=2, ensure_ascii=False) + "\n")
    print(render(rehearsal, args))
    return 0 if rehearsal.ok else 1


def render(rehearsal: Rehearsal, args: argparse.Namespace) -> str:
    memory = "not measured"
    if rehearsal.peak_memory_mb:
        roles = ", ".join(f"{role} {used:,.0f} MB" for role, used in
                          sorted(rehearsal.peak_by_role_mb.items()) if role != "other")
        memory = f"{rehearsal.peak_memory_mb:,.0f} MB" + (f" (peaks: {roles})" if roles else "")
    lines = [f"Rehearsal of {args.zip} on {args.submission}",
             f"run_autograder: exit status {rehearsal.exit_code}, {rehearsal.seconds:.0f} s, "
             f"peak memory of all its processes {memory}"]
    if rehearsal.results is not None:
        lines += ["", rehearsal.table()]
    if rehearsal.ok:
        lines += ["", "results.json is valid: Gradescope's schema, the score is the sum of the "
                      "tests, every part has its points."]
    else:
        lines += ["", "PROBLEMS:"] + [f"- {problem}" for problem in rehearsal.problems]
        lines += ["", "Last lines of run_autograder's output:", _tail(rehearsal.log)]
    if args.keep is not None:
        lines.append(f"Layout kept in {rehearsal.root}")
    return "\n".join(lines)
