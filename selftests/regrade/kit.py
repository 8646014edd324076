"""Building class exports from the repository's own HW2 folders, and running `regrade` on them."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

from autograder.boundary.sandbox import process_info
from selftests.grading import REPO

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FAST = ("--only", "problem2", "problem6")  # HW2's quickest problems: about 4 s a grading
IGNORED = shutil.ignore_patterns("__pycache__", "*.pt")

# Each export folder: (what it holds, its submitters as (name, sid, email)).
CLASS = {
    "submission_1001": ("reference", [("Ada Lovelace", "1001", "ada@example.edu")]),
    "submission_1002": ("template", [("Bobby <b>Tables</b> & co", "=1+1", "bobby@example.edu")]),
    "submission_1003": ("example", [("Carl Gauss", "1003", "carl@example.edu")]),
    "submission_1004": ("broken", [("Dana Scott", "1004", "dana@example.edu")]),
    "submission_1010": ("example", [("Emmy Noether", "1010", "emmy@example.edu"),
                                    ("Felix Klein", "1011", "felix@example.edu")]),
}


def make_folder(kind: str, destination: Path) -> Path:
    """A submission folder: the reference, the template, the bundled example, or a broken one
    (the reference with a syntax error in problem2.py)."""
    origin = {"reference": REPO / "reference" / "hw2", "broken": REPO / "reference" / "hw2",
              "template": REPO / "student_template" / "hw2",
              "example": REPO / "examples" / "submission"}[kind]
    shutil.copytree(origin, destination, ignore=IGNORED)
    if kind == "broken":
        target = destination / "problem2.py"
        target.write_text(target.read_text() + "\n\ndef oops(:\n    pass\n")
    return destination


def metadata_yaml(people: dict[str, list[tuple[str, str, str]]]) -> str:
    """submission_metadata.yml as Gradescope writes it (Ruby-style symbol keys)."""
    lines = []
    for folder, members in people.items():
        lines += [f"{folder}:", "  :submitters:"]
        for name, sid, email in members:
            lines += [f"  - :name: {json.dumps(name)}", f"    :sid: '{sid}'", f"    :email: {email}"]
        lines += ["  :created_at: 2026-10-01 12:00:00.000000000 -04:00", "  :score: 0.0"]
    return "\n".join(lines) + "\n"


def make_export(root: Path, folders: dict[str, tuple[str, list]] | None = None) -> Path:
    """An unpacked export: `root/submission_metadata.yml` and one folder per submission."""
    folders = CLASS if folders is None else folders
    root.mkdir(parents=True)
    for name, (kind, _) in folders.items():
        make_folder(kind, root / name)
    (root / "submission_metadata.yml").write_text(
        metadata_yaml({name: members for name, (_, members) in folders.items()}))
    return root


def zip_folder(folder: Path, archive: Path, prefix: str) -> Path:
    """`folder` zipped under the top folder `prefix` (as Gradescope's download is)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")
    return archive


def regrade(source: Path, out: Path, *extra: str, timeout: float = 600,
            check: bool = True) -> subprocess.CompletedProcess:
    completed = subprocess.run(
        [sys.executable, "-m", "autograder", "regrade", str(source), "--out", str(out), *extra],
        cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if check:
        assert completed.returncode in (0, 1), \
            f"regrade failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr[-4000:]}"
    return completed


def start_regrade(source: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "autograder", "regrade", str(source), "--out", str(out), *extra],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def graders_of(driver: int) -> list[int]:
    """The grading processes that the regrade driver `driver` started and that still run."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"autograder.regrade.grader" in words and any(f'"parent": {driver}}}'.encode() in word
                                                          for word in words):
            found.append(int(pid))
    return found


def running(pids: Iterable[int]) -> list[int]:
    """Those of `pids` that still run. An ended process nobody has reaped yet (a zombie) has
    ended: a grading orphaned by a killed driver is re-parented to the nearest subreaper, which
    in a self-test run may be the pytest process itself (the sandbox makes its grader one), and
    that never waits for it."""
    return [pid for pid in pids if (info := process_info(pid)) is not None and not info.zombie]


def wait_until_ended(pids: Iterable[int], timeout_s: float) -> list[int]:
    """Poll until none of `pids` runs or `timeout_s` passes; those still running."""
    pids = list(pids)
    deadline = time.monotonic() + timeout_s
    while (left := running(pids)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def read_csv(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "scores.csv").read_text())))


def gradings(out: Path) -> list[str]:
    """The ids in `gradings.log`, one per finished grading, in order."""
    log = out / "gradings.log"
    return [json.loads(line)["id"] for line in log.read_text().splitlines()] if log.exists() else []


def without_timing(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "execution_time"}


def manifest_without_timing(out: Path) -> dict:
    """The manifest's records without what timing changes (`results` hashes the file, whose
    execution_time differs run to run)."""
    document = json.loads((out / "manifest.json").read_text())
    return {key: {field: value for field, value in record.items()
                  if field not in ("seconds", "finished_at", "worker", "results")}
            for key, record in document["submissions"].items()}


PROBE = '''
"""Plants traces for the next submission after looking for those of earlier ones."""
import os


def probe():
    found = []
    places = ["/tmp", "/var/tmp", "/dev/shm", os.environ.get("HOME", "/nonexistent"),
              os.environ.get("TMPDIR", "/nonexistent")]
    for place in places:
        try:
            found += [f"{place}/{name}" for name in os.listdir(place) if name.startswith("planted-by-")]
        except OSError:
            pass
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as stream:
                words = stream.read().split(b"\\0")
        except OSError:
            continue
        if words[:2] == [b"sleep", b"4242"]:
            found.append(f"process {pid} left running")
        if b"regrade" in words:
            at = words.index(b"regrade") + 1
            if at < len(words):
                source = words[at].decode(errors="replace")
                try:
                    found += [f"listed {source}: {name}" for name in os.listdir(source)]
                except OSError:
                    pass
    if os.environ.get("PLANTED_BY_AN_EARLIER_ONE"):
        found.append("environment")
    mine = os.path.basename(os.path.dirname(os.path.abspath(__file__)))
    for place in places:
        try:
            with open(os.path.join(place, f"planted-by-{os.getpid()}-{mine}"), "w") as stream:
                stream.write("x")
        except OSError:
            pass
    os.environ["PLANTED_BY_AN_EARLIER_ONE"] = "1"
    if os.fork() == 0:
        os.setsid()
        os.execv("/bin/sleep", ["sleep", "4242"])
    return sorted(found)
'''
