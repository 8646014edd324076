"""`python -m autograder regrade SOURCE --out DIR`: the command line of the regrade."""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from autograder.course import add_assignment_argument

HELP = "regrade a whole class (a Gradescope export or a folder of submissions), in parallel, resumably"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 1")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", type=Path,
                        help="a Gradescope 'Export Submissions' zip or folder, or a folder of submission folders")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="where results, scores.csv, report.html and the manifest go (kept between runs)")
    add_assignment_argument(parser)
    parser.add_argument("--jobs", type=_positive, default=None, metavar="N",
                        help="gradings at once (default: what the cores and memory fit, 1.5 GB each)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="local grading processes (default), or Ray tasks (pip install -r requirements-ray.txt)")
    parser.add_argument("--ray-address", default=None, metavar="ADDR",
                        help="join this Ray cluster (default: start an embedded Ray on this machine)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--gpu-share", type=_share, default=0.25, metavar="F",
                        help="with --engine ray and --device cuda: the GPU share each task asks for")
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="folder of the data sets the checks read (on every node, for Ray)")
    parser.add_argument("--eval-limit", type=int, default=None, metavar="N",
                        help="evaluate on the first N examples only (development)")
    parser.add_argument("--timeout", type=float, default=1800.0, metavar="SECONDS",
                        help="wall-clock limit of one submission's grading (default: 1800)")
    parser.add_argument("--force", action="store_true",
                        help="regrade every submission, even those already graded by the same grader")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--only", nargs="+", default=None, metavar="PROBLEM",
                        help="maintainers: grade only these problems")
    parser.add_argument("--tests", type=Path, default=None, metavar="DIR",
                        help="maintainers: grade with this folder of checks instead of tests/NAME")


def run_command(args: argparse.Namespace) -> int:
    """0 when every submission was graded, 1 when some were not, 2 when nothing could start,
    130 when interrupted (what finished is kept: run the same command again to go on)."""
    from autograder.errors import GraderError
    from autograder.regrade.run import RegradeOptions, regrade
    from autograder.regrade.source import SourceError

    # Ctrl-C stops a regrade and keeps what finished, even when the shell that started it ignores
    # SIGINT (a command sent to the background by `&` inherits SIG_IGN, and Python then raises
    # no KeyboardInterrupt).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    options = RegradeOptions(
        source=args.source, out=args.out, assignment=args.assignment, jobs=args.jobs,
        engine=args.engine, ray_address=args.ray_address, device=args.device, data=args.data,
        eval_limit=args.eval_limit, force=args.force, only=tuple(args.only) if args.only else None,
        tests=args.tests, timeout=args.timeout, gpu_share=args.gpu_share, progress=not args.quiet)
    try:
        summary = regrade(options)
    except (SourceError, ValueError, RuntimeError, GraderError, OSError) as error:
        print(f"autograder regrade: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before any grading started: nothing to keep
        print("autograder regrade: interrupted", file=sys.stderr)
        return 130
    counts: dict[str, int] = {}
    for item in summary.graded:
        key = "ok" if item.ok else item.status.split(":")[0]
        counts[key] = counts.get(key, 0) + 1
    states = ", ".join(f"{count} {state}" for state, count in sorted(counts.items()))
    print(f"{len(summary.graded)} submissions: {states or 'none'} "
          f"({summary.gradings} graded now, {summary.skipped} already up to date)")
    for note in summary.notes:
        print(f"note: {note}")
    print(f"wrote {summary.out / 'scores.csv'} and {summary.out / 'report.html'}")
    if summary.interrupted:
        print("interrupted: run the same command again to grade the rest", file=sys.stderr)
    return summary.exit_code
