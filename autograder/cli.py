"""`python -m autograder COMMAND ...`: one subcommand per module.

A command module provides `HELP` (one line), `add_arguments(parser)` and `run_command(args) -> int`
(the exit status); adding a command (`check`, `build`) is one module and one line in `COMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

COMMANDS: dict[str, str] = {
    "grade": "autograder.grade",
    "check": "autograder.local_check",
    "build": "autograder.build",
    "rehearse": "autograder.rehearse",
    "regrade": "autograder.regrade.command",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="an autograder for deep-learning courses: grade, check, build, rehearse")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        subparser = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(subparser)
        subparser.set_defaults(run_command=module.run_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run_command(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
