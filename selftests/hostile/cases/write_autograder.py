"""Tries to change the autograder: its checks, a conftest.py beside the tests, the engine copy."""
# never: wrote /
# expect: full
import os
import sys

import hostile_kit as kit

_reference = effective_learning_rate


def effective_learning_rate(eta, w):
    targets = [os.path.join(kit.REPO, "autograder", "checks.py"),
               os.path.join(kit.REPO, "tests", "conftest.py"),
               os.path.join(kit.REPO, "tests", "hw2", "public", "conftest.py"),
               os.path.join(kit.REPO, f"{kit.TOKEN}.txt"),
               os.path.join(sys.path[0], "autograder", "checks.py")]
    for target in targets:
        try:
            with open(target, "a") as handle:
                handle.write("\nraise SystemExit  # planted\n")
            kit.note(f"wrote {target}")
        except OSError as error:
            kit.note(f"could not write {target}: {error}")
    return _reference(eta, w)
