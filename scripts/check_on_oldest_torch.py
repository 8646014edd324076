"""The students' checks on the oldest torch the handout allows, against the pinned one.

`requirements-student.txt` gives torch and torchvision as ranges, so that a student's Colab or
course environment keeps its own torch. This makes that range true at its low end: it installs
the oldest pair (`OLDEST`) and the rest of that file into `.venv-oldest`, and for every assignment
builds the student handout, puts the reference solution into the unpacked handout, and runs
`python -m autograder check` there with both interpreters. The per-part tables must be the same.
CI runs it after the self-tests (`.ci/run`); exit status 1 when a table differs.

    .venv/bin/python scripts/check_on_oldest_torch.py
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.build import build  # noqa: E402
from autograder.course import copy_code, find_assignment, read_registry  # noqa: E402
from autograder.rehearse import unpack  # noqa: E402

OLDEST = ("torch==2.11.0", "torchvision==0.26.0")
VENV = REPO / ".venv-oldest"


def oldest_python() -> Path:
    """The oldest pair plus everything else the handout's requirements name, as a student's pip
    would install them (quick when the environment is already there)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *OLDEST,
                    "-r", str(REPO / "requirements-student.txt")], check=True)
    return python


def table(python: Path, folder: Path) -> list[str]:
    completed = subprocess.run([str(python), "-m", "autograder", "check"], cwd=folder,
                               capture_output=True, text=True, timeout=1200)
    if completed.returncode != 0:
        raise SystemExit(f"check failed with {python}:\n{completed.stderr[-3000:]}")
    lines = completed.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("part "))
    end = next(i for i, line in enumerate(lines) if line.startswith("total "))
    return lines[start:end + 1]


def versions(python: Path) -> str:
    return subprocess.run([str(python), "-c", "import torch, torchvision; "
                           "print(f'torch {torch.__version__}, torchvision {torchvision.__version__}')"],
                          capture_output=True, text=True, check=True).stdout.strip()


def main() -> int:
    pinned, oldest = Path(sys.executable), oldest_python()
    print(f"pinned: {versions(pinned)}; oldest: {versions(oldest)}")
    different = []
    for name in read_registry().names:
        with tempfile.TemporaryDirectory(prefix=f"oldest-torch-{name}-") as scratch:
            report = build(REPO, Path(scratch) / "dist", assignment=name)
            unpack(report.handout_zip, Path(scratch) / "handout")
            folder = Path(scratch) / "handout" / find_assignment(name).settings.handout_folder
            copy_code(REPO / "reference" / name, folder)  # the reference's code in the handout
            twin = folder.with_name(folder.name + "-oldest")  # one handout per interpreter: the
            shutil.copytree(folder, twin)                      # two checks run side by side
            with ThreadPoolExecutor(max_workers=2) as pool:
                futures = {"pinned": pool.submit(table, pinned, folder),
                           "oldest": pool.submit(table, oldest, twin)}
                tables = {label: future.result() for label, future in futures.items()}
        print(f"\n{name}, the reference in the handout:\n" + "\n".join(tables["oldest"]))
        if tables["pinned"] != tables["oldest"]:
            different.append(name)
            print(f"{name}: the pinned torch gave instead:\n" + "\n".join(tables["pinned"]))
    print("\nthe same tables on both" if not different else f"\ndifferent tables: {', '.join(different)}")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
