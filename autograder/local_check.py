"""`python -m autograder check [FOLDER]`: students run the public checks on their own files.

It grades like `grade` (same submission discovery, same worker, same per-part table) but with the
assignment's public checks only, so it runs from the student handout, which holds neither the
reference nor the hidden checks. Points that only hidden checks can earn are not shown as lost: the
report lists them per part as still to come on Gradescope. A check whose data is not on the
student's machine (it raised `DataUnavailable`) is reported as not scored here, with its own advice
on where to get the data, instead of as lost.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import textwrap
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from autograder.assignment import Assignment, Part
from autograder.course import add_assignment_argument, find_assignment
from autograder.grade import DEVICES, grade
from autograder.results import Results, TestResult, format_points
from autograder.boundary.sandbox import reap_all
from autograder.boundary.sandbox.template import fork_early

DEFAULT_FIGURES_DIR = Path("check-figures")  # relative to where `check` runs
_MISSING_PREFIX = "<missing "  # node id of the stand-in `fill_missing_parts` adds for a shortfall
_SHOWN_LINES = 14
_WHEN_SHOWN = {"visible": "their results appear with your submission",
               "after_due_date": "their results appear after the due date",
               "after_published": "their results appear once grades are published",
               "hidden": "their results are seen by the staff only"}


@dataclass
class CheckReport:
    """The public checks' results, and what the local run could not cover."""

    folder: Path
    results: Results
    to_come: list[tuple[Part, float]]  # (part, points only hidden checks can earn)
    settings: Assignment
    log: str  # pytest's own output (shown with --verbose, or when grading failed)
    figures: list[Path] = field(default_factory=list)  # the checks' plots, saved as PNG files

    def render(self) -> str:
        lines = [f"Public checks of {self.settings.name} on {self.folder}", "", self.results.table()]
        failed = [test for test in self.results.ordered_tests() if test.status != "passed"]
        for title, tests in (("Why points were lost:", [t for t in failed if t.score < t.max_score]),
                             ("Notes from checks that kept their points:",
                              [t for t in failed if t.score >= t.max_score])):
            if tests:
                lines += ["", title] + _feedback_lines(tests)
        if self.to_come:
            when = _WHEN_SHOWN[self.settings.visibility.hidden]
            lines += ["", "Still to come on Gradescope: hidden checks, on inputs you have not seen "
                          f"({when}):"]
            lines += [f"- {part.label} {part.what}: {format_points(points)} of "
                      f"{format_points(part.points)} {'bonus ' if part.bonus else ''}points"
                      for part, points in self.to_come]
        unscored = sorted({test.number for test in self.results.tests if test.unscored},
                          key=list(self.settings.labels()).index)
        if unscored:
            lines += ["", f"{', '.join(unscored)} {'was' if len(unscored) == 1 else 'were'} not "
                          "scored here: the data its checks score on is not on this machine. Give "
                          "the folder that holds it with --data DIR (the check's feedback above "
                          "says which), and add --eval-limit 1000 for a quick estimate."]
        if self.figures:
            lines += ["", "Figures from the checks (open them):"] + [f"- {path}" for path in self.figures]
        if self.results.notes:
            lines += ["", "About your files:"] + [f"- {note}" for note in self.results.notes]
        if self.settings.graded_by_hand:
            lines += ["", f"Graded by hand, not here: {self.settings.graded_by_hand}"]
        return "\n".join(lines)


def _feedback_lines(tests: list[TestResult]) -> list[str]:
    """Each check's feedback; a run of checks of one part with the same feedback is shown once."""
    lines: list[str] = []
    index = 0
    while index < len(tests):
        first = tests[index]
        same = 1
        while index + same < len(tests) and (tests[index + same].number, tests[index + same].output) \
                == (first.number, first.output):
            same += 1
        score = sum(test.score for test in tests[index:index + same])
        maximum = sum(test.max_score for test in tests[index:index + same])
        others = (f", and {same - 1} more check(s) of {first.number} with the same result"
                  if same > 1 else "")
        lines.append(f"- [{first.number}] {first.name} "
                     f"({format_points(score)}/{format_points(maximum)} points{others})")
        lines += _indented(first.output)
        index += same
    return lines


def _indented(text: str) -> list[str]:
    """A check's Markdown feedback as indented plain lines, cut to a screenful."""
    body = [line.rstrip() for line in text.strip().splitlines() if not line.startswith("```")]
    body = [line for index, line in enumerate(body) if line or (index and body[index - 1])]
    if len(body) > _SHOWN_LINES:
        body = body[:_SHOWN_LINES] + ["[...] (--results FILE keeps the whole text)"]
    return [textwrap.indent(line, "    ") if line else "" for line in body]


def check(folder: Path | str = ".", *, data_dir: Path | str | None = None, device: str = "auto",
          eval_limit: int | None = None, only: Sequence[str] | None = None,
          results_path: Path | str | None = None, tests_root: Path | None = None,
          figures_dir: Path | str | None = DEFAULT_FIGURES_DIR, quiet: bool = True,
          assignment: str | None = None) -> CheckReport:
    """Run the public checks on `folder`; `results_path` keeps a results.json of this run and
    `figures_dir` the checks' plots (None: not saved)."""
    layout = find_assignment(assignment)
    settings = layout.settings
    data_dir = Path(data_dir).resolve() if data_dir is not None else None
    log = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as scratch:
        path = Path(results_path) if results_path is not None else Path(scratch) / "results.json"
        output = contextlib.redirect_stderr(log) if quiet else contextlib.nullcontext()
        try:
            with output:
                results = grade(folder, path, data_dir=data_dir, device=device,
                                eval_limit=eval_limit, only=only,
                                tests_root=tests_root or layout.public_dir,
                                assignment=layout.name)
        except BaseException:
            if quiet:
                sys.stderr.write(log.getvalue())
            raise
        to_come = _set_aside_hidden_points(results, settings.parts_of(only))
        _explain_missing_data(results)
        if results_path is not None:
            reap_all()
            results.write_atomic(path)
    figures = save_figures(results, Path(figures_dir)) if figures_dir is not None else []
    return CheckReport(Path(folder).resolve(), results, to_come, settings, log.getvalue(), figures)


def save_figures(results: Results, folder: Path) -> list[Path]:
    """Write every check's figures as PNG files in `folder` (made when there are any)."""
    saved: list[Path] = []
    for test in results.ordered_tests():
        for figure in test.figures:
            if not saved:
                folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{figure.name}.png"
            counter = 2
            while path in saved:
                path, counter = folder / f"{figure.name}-{counter}.png", counter + 1
            path.write_bytes(figure.png)
            saved.append(path)
    return saved


def _set_aside_hidden_points(results: Results, parts: Sequence[Part]) -> list[tuple[Part, float]]:
    """Drop the 0-score stand-ins for points no public check covers (hidden checks earn them),
    unless a public test file of that problem failed to load: that is a real failure."""
    broken = {error.problem for error in results.collection_errors}
    kept, to_come = [], []
    for test in results.tests:
        part = next((part for part in parts if part.label == test.number), None)
        if part is not None and test.nodeid.startswith(_MISSING_PREFIX) \
                and not broken & {None, part.problem}:
            to_come.append((part, test.max_score))
        else:
            kept.append(test)
    results.tests = kept
    return sorted(to_come, key=lambda item: [p.label for p in parts].index(item[0].label))


def _explain_missing_data(results: Results) -> None:
    """A check that lacked its data did not find the student wrong; say so before its advice."""
    for test in results.tests:
        if test.unscored:
            test.output = (f"not scored here: {test.unscored}; Gradescope scores it on the full "
                           "data set")


# ------------------------------------------------------------------------------ command line
HELP = "students: run the public checks on your files and print the per-part table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, nargs="?", default=Path("."),
                        help="the folder with your files, notebooks and checkpoints (default: .)")
    add_assignment_argument(parser)
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="the folder of the data sets that checks score on (see your guide)")
    parser.add_argument("--eval-limit", type=int, default=None, metavar="N",
                        help="evaluate on the first N examples only (faster, approximate)")
    parser.add_argument("--device", choices=DEVICES, default="auto")
    parser.add_argument("--only", nargs="+", default=None, metavar="PROBLEM",
                        help="check only these problems (the names of their test files)")
    parser.add_argument("--results", type=Path, default=None, metavar="FILE",
                        help="also write this run's results.json (the full feedback text)")
    parser.add_argument("--figures", type=Path, default=DEFAULT_FIGURES_DIR, metavar="DIR",
                        help=f"where to save the checks' plots as PNG files (default: {DEFAULT_FIGURES_DIR})")
    parser.add_argument("--verbose", action="store_true", help="show pytest's own output too")


def run_command(args: argparse.Namespace) -> int:
    """Print the report; 0 whenever the checks ran (whatever the score), 1 if the grader failed."""
    print(f"Running the public checks on {args.folder.resolve()} (a minute or two)...",
          file=sys.stderr, flush=True)
    fork_early()  # before any check is loaded: workers then start without importing torch again
    try:
        report = check(args.folder, data_dir=args.data, device=args.device,
                       eval_limit=args.eval_limit, only=args.only, results_path=args.results,
                       figures_dir=args.figures, quiet=not args.verbose,
                       assignment=args.assignment)
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        print(f"autograder check: the checks could not run ({type(error).__name__}: {error})",
              file=sys.stderr)
        return 1
    print(report.render())
    return 0
