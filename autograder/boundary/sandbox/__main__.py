"""`python -m autograder.boundary.sandbox setup | limits`."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict

from autograder.boundary.sandbox.machine import setup
from autograder.boundary.sandbox.workspace import Limits


def _main(argv: list[str]) -> int:
    if argv[:1] == ["setup"]:
        for line in setup():
            print(line)
        return 0
    if argv[:1] == ["limits"]:
        print(json.dumps(asdict(Limits.from_env()), indent=2))
        return 0
    print("usage: python -m autograder.boundary.sandbox setup | limits", file=sys.stderr)
    return 2


sys.exit(_main(sys.argv[1:]))
