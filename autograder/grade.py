"""`grade()`: run the graded checks on one submission and write Gradescope's results.json.

The order matters: a valid results.json (score 0, "grading did not finish") is written before
anything else, so that a crash, a timeout or a killed container still leaves Gradescope a file it
can read; the real results replace it, atomically, only at the very end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Sequence

import pytest

from autograder import plugin
from autograder.assignment import Assignment
from autograder.course import COURSE_ROOT, add_assignment_argument, find_assignment
from autograder.recording import GradingSession
from autograder.errors import ConfigurationError, GraderError
from autograder.results import Results, fallback_document, validate, write_json_atomic
from autograder.boundary.sandbox import reap_all
from autograder.boundary.sandbox.template import fork_early
from autograder.boundary.submission import Submission, find_submission

DEVICES = ("auto", "cpu", "cuda")

FALLBACK_MESSAGE = (
    "**The autograder did not finish grading this submission**, so this score of 0 is only a "
    "placeholder, not a grade. Please tell the course staff; they can see the grader's log "
    "(its standard output and error) for the cause.")

FAILED_MESSAGE = (
    "**The autograder itself failed while grading this submission** ({error}), so this score of 0 "
    "is only a placeholder, not a grade. This is a problem of the grader, not of your code; the "
    "course staff can see the details in the grader's log.")


def grade(submission_dir: Path | str, results_path: Path | str, *, data_dir: Path | str | None = None,
          device: str = "auto", eval_limit: int | None = None, only: Sequence[str] | None = None,
          tests_root: Path | str | None = None, assignment: str | None = None,
          keep_checks_loaded: bool = False) -> Results:
    """Grade the submission in `submission_dir` and write `results_path`; returns the results.

    `assignment` names it (the course's default when None); `only` restricts grading to some of
    its problems' test files and parts; `tests_root` replaces its `tests/<name>/` (self-tests use
    small fixture suites, `check` the public checks alone). `keep_checks_loaded`: leave the test
    modules imported for the next grading in this process, with what their caches hold (expected
    values, functions of the checks' own inputs; see docs/writing-checks.md), as a process that
    grades a class with the same checks does; otherwise every grading imports them afresh.
    Raises after writing a valid 0-score results.json if the grader itself fails.
    """
    results_path = Path(results_path)
    write_json_atomic(results_path, fallback_document(FALLBACK_MESSAGE))
    started = time.monotonic()
    try:
        layout = find_assignment(assignment)
        results = _grade(Path(submission_dir), Path(tests_root or layout.tests_dir), layout.name,
                         layout.settings, data_dir=data_dir, device=device,
                         eval_limit=eval_limit, only=only, keep_checks_loaded=keep_checks_loaded)
        results.execution_time = time.monotonic() - started
        reap_all()  # no student process may outlive grading and touch the final file
        results.write_atomic(results_path)
    except BaseException as error:
        summary = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        reap_all()
        write_json_atomic(results_path, fallback_document(FAILED_MESSAGE.format(error=summary)))
        raise
    return results


def _grade(submission_dir: Path, tests_root: Path, name: str, settings: Assignment, *,
           data_dir: Path | str | None, device: str, eval_limit: int | None,
           only: Sequence[str] | None, keep_checks_loaded: bool = False) -> Results:
    if device not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    for problem in only or ():
        if problem not in settings.problems():
            raise ValueError(f"--only takes this assignment's problems "
                             f"({', '.join(settings.problems())}), not {problem!r}")
    parts = settings.parts_of(only)
    with tempfile.TemporaryDirectory(prefix="autograder-") as workdir:
        extracted = Path(workdir) / "submission"
        extracted.mkdir()
        submission = find_submission(submission_dir.resolve(), extracted, settings.files,
                                     settings.notebook_hint)
        session = GradingSession(submission)
        args = _pytest_args(submission_dir, tests_root, Path(workdir), name, data_dir=data_dir,
                            device=device, eval_limit=eval_limit, only=only)
        from autograder.expected_store import open_store  # imports torch: after fork_early()

        open_store()  # expected values the set-up or an earlier grading computed (grader only)
        exit_code = _run_pytest(args, session, tests_root, keep_loaded=keep_checks_loaded)
        recorder = session.recorder
        if recorder is None or exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED,
                                                 pytest.ExitCode.NO_TESTS_COLLECTED):
            if recorder is not None and recorder.configuration_errors:
                raise ConfigurationError("graded tests are misconfigured:\n  "
                                         + "\n  ".join(recorder.configuration_errors))
            raise GraderError(f"pytest stopped with exit code {int(exit_code)} ({exit_code.name}); "
                              "its output above says why")
        results = recorder.results()
    results.fill_missing_parts(parts)
    results.notes = _submission_notes(submission, None if only is None else settings.files_of(only))
    validate(results.to_gradescope())
    return results


def _submission_notes(submission: Submission, files: set[str] | None) -> list[str]:
    """General notes about the submission, then the notes about each graded file, named."""
    notes = [str(note) for note in submission.notes]
    for key, file_notes in submission.problems.items():
        if files is None or key in files:
            notes += [f"`{submission.origin.get(key, key)}`: {note}" for note in file_notes]
    return notes


def _pytest_args(submission_dir: Path, tests_root: Path, workdir: Path, assignment: str, *,
                 data_dir: Path | str | None, device: str, eval_limit: int | None,
                 only: Sequence[str] | None) -> list[str]:
    """pytest's command line, isolated from any pytest settings of the surrounding repository.
    pytest-timeout (`-p timeout`) is loaded even where plugins do not load by themselves: it is
    the per-check time limit the plugin arms."""
    ini = workdir / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    args = ["-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:threadexception",
            "-p", "timeout",
            "-q", "--tb=native",  # short and long tracebacks parse each file: 0.5 s a grading
            "-c", str(ini), f"--rootdir={tests_root.parent}", f"--confcutdir={tests_root}",
            "--import-mode=importlib", "--continue-on-collection-errors",
            f"--basetemp={workdir / 'pytest'}",
            "--assignment", assignment, "--submission", str(submission_dir.resolve()),
            "--device", device]
    if data_dir is not None:
        args += ["--data", str(Path(data_dir).resolve())]
    if eval_limit is not None:
        args += ["--eval-limit", str(eval_limit)]
    if only is None:
        return args + [str(tests_root)]
    files = sorted({path for name in only for path in tests_root.rglob(f"test_{name}.py")})
    # No file for these problems: run an empty folder so that nothing else is collected.
    return args + ([str(path) for path in files] or [str(_empty_folder(workdir))])


def _empty_folder(workdir: Path) -> Path:
    folder = workdir / "no-tests"
    folder.mkdir(exist_ok=True)
    return folder


def _run_pytest(args: list[str], session: GradingSession, tests_root: Path, *,
                keep_loaded: bool) -> pytest.ExitCode:
    """pytest.main in this process, its console output on stderr (stdout is for the table).
    The test modules are imported afresh unless `keep_loaded` and an earlier run kept them
    (pytest's importlib mode then reuses them from sys.modules)."""
    if str(COURSE_ROOT) not in sys.path:
        sys.path.insert(0, str(COURSE_ROOT))  # graded tests import autograder and each other
    if not keep_loaded:
        _forget_modules_under(tests_root)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            return pytest.ExitCode(pytest.main(args, plugins=[plugin, session]))
    finally:
        if not keep_loaded:
            _forget_modules_under(tests_root)


def _forget_modules_under(folder: Path) -> None:
    """Drop test modules imported from `folder`, so that a later run in this process reloads them
    (pytest's importlib mode keeps them in sys.modules, with file-less stand-ins for the folders)."""
    prefixes = tuple({str(folder.absolute()) + os.sep, str(folder.resolve()) + os.sep})
    doomed = {name for name, module in list(sys.modules.items())
              if isinstance(file := getattr(module, "__file__", None), str) and file.startswith(prefixes)}
    for name in list(doomed):
        parts = name.split(".")
        for end in range(1, len(parts)):
            parent = sys.modules.get(".".join(parts[:end]))
            if parent is not None and getattr(parent, "__file__", None) is None:
                doomed.add(".".join(parts[:end]))
    for name in doomed:
        sys.modules.pop(name, None)


# ----------------------------------------------------------------------------- command line
HELP = "grade a submission and write Gradescope's results.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submission", type=Path, help="the submission folder")
    add_assignment_argument(parser)
    parser.add_argument("--results", type=Path, default=Path("results.json"),
                        help="where to write results.json (default: ./results.json)")
    parser.add_argument("--data", type=Path, default=None, help="folder of the data sets the checks read")
    parser.add_argument("--device", choices=DEVICES, default="auto")
    parser.add_argument("--eval-limit", type=int, default=None, metavar="N",
                        help="evaluate on the first N examples only (development)")
    parser.add_argument("--only", nargs="+", default=None, metavar="PROBLEM",
                        help="maintainers: grade only these problems")
    parser.add_argument("--tests", type=Path, default=None, metavar="DIR",
                        help="maintainers: grade with this folder of checks instead of tests/NAME")


def run_command(args: argparse.Namespace) -> int:
    """Grade, print the table; 0 whenever grading finished, 1 if the grader itself failed."""
    fork_early()  # before any check is loaded: workers then start without importing torch again
    try:
        results = grade(args.submission, args.results, data_dir=args.data, device=args.device,
                        eval_limit=args.eval_limit, only=args.only, tests_root=args.tests,
                        assignment=args.assignment)
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        print(f"autograder: grading failed ({type(error).__name__}: {error}); "
              f"{args.results} holds a 0-score placeholder", file=sys.stderr)
        return 1
    print(results.table())
    return 0

