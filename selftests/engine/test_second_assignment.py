"""A second assignment, end to end: the self-tests' small course (`selftests/course/`, the demo
lab) is put beside an unchanged copy of the engine and graded, built, rehearsed and checked.

The demo lab differs from HW2 wherever an assignment can: a part label that is only a digit (7),
labels like Q5 and 3.1, a bonus part (B1), a submitted module not named problemN.py
(`blob_classifier`, for which `pennkey_Classifier_Notebook.ipynb` may stand in), and a checkpoint
of another architecture (an MLP, `mlp.pt`) read by the engine's worker task and loaded into a
model its checks build. Its reference checkpoint is trained here (under a second), not stored.

The course root is made once: the engine files copied byte for byte, then the course's own
folders. The first test proves that adding the assignment changed no engine file.
"""
from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath
from types import ModuleType

import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "selftests" / "course"
ENGINE = ("autograder", "setup.sh", "run_autograder", "requirements.txt", "setup.d", "scripts",
          "tests/conftest.py", "tests/__init__.py")
COURSE_FOLDERS = ("reference", "student_template", "tests")
NAME, HANDOUT_FOLDER, TITLE = "demo", "demo-lab", "Demo Lab"
POINTS = {"7": 3, "B1": 1, "Q5": 2, "3.1": 3}  # B1 is the bonus part
TOTAL, BONUS = 8, 1
TIMEOUT = 300
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def files_under(root: Path, names: tuple[str, ...]) -> dict[str, Path]:
    """Every file of `names` (files or folders) under `root`, by its relative POSIX path."""
    found: dict[str, Path] = {}
    for name in names:
        path = root / name
        paths = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in paths:
            relative = file.relative_to(root)
            if "__pycache__" not in relative.parts and file.suffix != ".pyc":
                found[relative.as_posix()] = file
    return found


def autograder(root: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m autograder ARGS` run in `cwd` (the course root): its own copy of the engine."""
    completed = subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd or root,
                               capture_output=True, text=True, timeout=TIMEOUT)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return completed


def load_module(path: Path) -> ModuleType:
    """A course file loaded by path (the course is not importable from here)."""
    name = f"_second_assignment_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def part_totals(document: dict) -> dict[str, tuple[float, float]]:
    totals: dict[str, tuple[float, float]] = {}
    for test in document["tests"]:
        score, maximum = totals.get(test["number"], (0.0, 0.0))
        totals[test["number"]] = (score + test["score"], maximum + test["max_score"])
    return {label: (round(score, 4), round(maximum, 4)) for label, (score, maximum) in totals.items()}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course root: the engine copied unchanged, then `selftests/course`'s folders."""
    root = tmp_path_factory.mktemp("course")
    for relative, path in files_under(REPO, ENGINE).items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, root / relative)
    for folder in COURSE_FOLDERS:
        shutil.copytree(COURSE / folder, root / folder, dirs_exist_ok=True, ignore=_IGNORED)
    return root


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference's mlp.pt: `train_mlp` on the template's training set, seeded, one thread."""
    reference = load_module(COURSE / "reference" / NAME / "blob_classifier.py")
    support = load_module(COURSE / "tests" / NAME / "mlp_grading.py")
    for seed in (0, 1):  # the grader's blobs are the template's and the reference's
        assert all(torch.equal(a, b) for a, b in zip(reference.make_blobs(50, seed),
                                                     support.make_blobs(50, seed)))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model: threads only cost time (and change nothing)
    try:
        model = reference.train_mlp(*reference.make_blobs(600, seed=0))
    finally:
        torch.set_num_threads(threads)
    path = tmp_path_factory.mktemp("checkpoint") / "mlp.pt"
    reference.save_checkpoint(model, str(path))
    return path


@pytest.fixture(scope="module")
def built(course: Path) -> tuple[Path, Path, str]:
    """(autograder.zip, student-handout.zip, what `build` printed)."""
    completed = autograder(course, "build", "--assignment", NAME)
    out = course / "dist" / NAME
    return out / "autograder.zip", out / "student-handout.zip", completed.stdout


def test_adding_the_assignment_changed_no_engine_file(course: Path) -> None:
    engine = files_under(REPO, ENGINE)
    copied = files_under(course, ENGINE)
    assert len(engine) > 50 and set(copied) == set(engine)
    changed = [name for name, path in engine.items() if copied[name].read_bytes() != path.read_bytes()]
    assert not changed, changed
    # the course brings only its own folders: reference/NAME, student_template/NAME, tests/NAME
    # and the list of assignments
    brought = set(files_under(course, COURSE_FOLDERS)) - set(engine)
    assert brought and all(name == "tests/assignments.toml" or PurePosixPath(name).parts[1] == NAME
                           for name in brought), sorted(brought)
    assert not files_under(COURSE, ENGINE)  # the course itself holds no engine file


def test_the_reference_earns_every_point_and_the_bonus(course: Path, checkpoint: Path,
                                                       tmp_path: Path) -> None:
    submission = tmp_path / "reference"
    shutil.copytree(course / "reference" / NAME, submission)
    shutil.copy(checkpoint, submission / "mlp.pt")
    results = tmp_path / "results.json"
    completed = autograder(course, "grade", str(submission), "--assignment", NAME,
                           "--results", str(results))
    document = json.loads(results.read_text())
    assert part_totals(document) == {label: (points, points) for label, points in POINTS.items()}, \
        [t["output"][:300] for t in document["tests"] if t["score"] < t["max_score"]]
    assert document["score"] == TOTAL + BONUS == pytest.approx(sum(t["score"] for t in document["tests"]))
    summary = document["output"]
    assert summary.startswith(f"**{TITLE}: autograded score 9 / 8**, with 1 of 1 bonus point earned")
    assert "| B1 (bonus) | log_softmax for extreme logits | 1 / 1 | all checks passed |" in summary
    assert "| 7 | softmax | 3 / 3 | all checks passed |" in summary
    rows = {line.split()[0]: line.split() for line in completed.stdout.splitlines() if line.strip()}
    assert rows["B1"][:3] == ["B1", "(bonus)", "1/1"] and rows["total"][1] == "9/8"
    # the settings' visibility: public checks visible, hidden ones after the due date
    assert {t["visibility"] for t in document["tests"]} == {"visible", "after_due_date"}


def test_the_template_scores_zero_and_grading_completes(course: Path, tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    completed = autograder(course, "grade", f"student_template/{NAME}", "--results", str(results))
    document = json.loads(results.read_text())  # graded with the default assignment: the demo
    assert document["tests"] and document["score"] == 0
    assert part_totals(document) == {label: (0, points) for label, points in POINTS.items()}
    assert "did not finish" not in document["output"] and "internal error" not in json.dumps(document)
    assert "not implemented yet" in document["output"]
    assert "mlp.pt was not found in the submission" in document["output"]
    assert completed.stdout.splitlines()[-1].split()[:2] == ["total", "0/8"]


# Wrong answers appended to the reference (a later `def` replaces the reference's).
NAIVE_NUMERICS = """

def softmax(x, dim=-1):  # overflows for large logits: inf / inf = NaN
    return x.exp() / x.exp().sum(dim=dim, keepdim=True)


def log_softmax(x, dim=-1):  # -inf where softmax underflows
    return softmax(x, dim).log()
"""
COUNTING_ACCURACY = """

def accuracy(logits, labels):  # the number of right rows, not their fraction
    return float((predict(logits) == labels).sum())
"""


def test_wrong_answers_lose_points_on_their_parts_only(course: Path, tmp_path: Path) -> None:
    submission = tmp_path / "wrong"
    shutil.copytree(course / "reference" / NAME, submission)
    for name, override in (("numerics.py", NAIVE_NUMERICS), ("blob_classifier.py", COUNTING_ACCURACY)):
        (submission / name).write_text((submission / name).read_text() + override)
    untrained = load_module(COURSE / "tests" / NAME / "mlp_grading.py").build_mlp()
    torch.save(untrained.state_dict(), submission / "mlp.pt")
    results = tmp_path / "results.json"
    autograder(course, "grade", str(submission), "--results", str(results))
    document = json.loads(results.read_text())
    totals = part_totals(document)
    assert 0 < totals["7"][0] < 3  # small logits pass, large ones overflow
    assert totals["B1"][0] == 0
    assert 1 <= totals["Q5"][0] < 2  # predict keeps its points, accuracy loses its own
    predict = [t for t in document["tests"] if t["name"].startswith("predict returns")]
    assert predict and all(t["score"] == t["max_score"] for t in predict)
    assert totals["3.1"][0] < 3  # an untrained MLP


def test_build_ships_one_assignment_and_a_handout_without_secrets(course: Path, built) -> None:
    grader_zip, handout_zip, printed = built
    assert f"set the assignment's total to {TOTAL} points (plus {BONUS} bonus" in printed
    with zipfile.ZipFile(grader_zip) as archive:
        grader = set(archive.namelist())
    for needed in ("setup.sh", "run_autograder", "tests/assignments.toml", "tests/conftest.py",
                   f"tests/{NAME}/assignment.toml", f"tests/{NAME}/mlp_grading.py",
                   f"tests/{NAME}/hidden/test_numerics.py", f"reference/{NAME}/numerics.py",
                   f"reference/{NAME}/blob_classifier.py"):
        assert needed in grader, needed
    assert not [name for name in grader if name.startswith(("student_template/", "selftests/"))
                or name.endswith((".pt", ".pyc"))]
    with zipfile.ZipFile(handout_zip) as archive:
        handout = {PurePosixPath(name) for name in archive.namelist()}
        readme = archive.read(f"{HANDOUT_FOLDER}/README.md")
    assert {name.parts[0] for name in handout} == {HANDOUT_FOLDER}
    inner = {PurePosixPath(*name.parts[1:]).as_posix() for name in handout}
    for needed in ("numerics.py", "blob_classifier.py", "pytest.ini", "autograder/local_check.py",
                   f"tests/{NAME}/public/test_numerics.py", f"tests/{NAME}/mlp_grading.py"):
        assert needed in inner, needed
    assert not [name for name in inner if name.startswith("reference/") or "hidden" in name
                or name.endswith((".pt", ".pyc"))]
    assert readme == (COURSE / "tests" / NAME / "students.md").read_bytes()
    with zipfile.ZipFile(handout_zip) as archive:
        shipped = "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    secret = hidden_only_names()
    assert {"test_softmax_unseen", "HIDDEN_SEED"} <= secret
    assert not [name for name in secret if re.search(rf"\b{name}\b", shipped)]


def top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return names


def hidden_only_names() -> set[str]:
    """The hidden checks' test functions and constants that no public file defines."""
    tests = COURSE / "tests" / NAME
    public = set().union(*(top_level_names(path) for path in tests.glob("public/*.py")))
    hidden = set().union(*(top_level_names(path) for path in tests.glob("hidden/*.py")))
    return {name for name in hidden - public if name.startswith("test_") or name.isupper()}


def notebook(source: str, training: str) -> str:
    """A Colab-like notebook: the module's code in one cell, training at top level in another."""
    cell = lambda text: {"cell_type": "code", "execution_count": None, "metadata": {},  # noqa: E731
                         "outputs": [], "source": text.splitlines(keepends=True)}
    return json.dumps({"cells": [cell(source), cell(training)], "metadata": {}, "nbformat": 4,
                       "nbformat_minor": 5})


def test_a_gradescope_rehearsal_grades_a_notebook_and_the_checkpoint(course: Path, built,
                                                                     checkpoint: Path,
                                                                     tmp_path: Path) -> None:
    submission = tmp_path / "submission"
    submission.mkdir()
    shutil.copy(course / "reference" / NAME / "numerics.py", submission / "numerics.py")
    shutil.copy(checkpoint, submission / "mlp.pt")
    (submission / "pennkey_Classifier_Notebook.ipynb").write_text(notebook(
        (course / "reference" / NAME / "blob_classifier.py").read_text(),
        "model = train_mlp(*make_blobs(600, seed=0))\nsave_checkpoint(model, 'mlp.pt')\n"))
    results = tmp_path / "results.json"
    completed = autograder(course, "rehearse", "--zip", str(built[0]), "--reuse-venv", sys.prefix,
                           "--results", str(results), str(submission))
    assert "results.json is valid" in completed.stdout
    document = json.loads(results.read_text())
    assert document["score"] == TOTAL + BONUS, [t["output"][:300] for t in document["tests"]
                                                 if t["score"] < t["max_score"]]
    assert "stands in for blob_classifier.py" in document["output"]
    assert "save_checkpoint(model, 'mlp.pt')" in document["output"]  # left out, and said so


def test_check_runs_from_the_handout_on_the_template(built, tmp_path: Path) -> None:
    with zipfile.ZipFile(built[1]) as archive:
        archive.extractall(tmp_path)
    handout = tmp_path / HANDOUT_FOLDER
    completed = autograder(handout, "check", "--results", str(tmp_path / "check.json"))
    report = completed.stdout
    assert report.startswith(f"Public checks of {TITLE} on {handout}")
    rows = {line.split()[0]: line.split() for line in report.splitlines() if line.strip()}
    assert rows["7"][1] == "0/1.5" and rows["B1"][:3] == ["B1", "(bonus)", "0/0.5"]
    assert rows["total"][1] == "0/4.5"  # public points only; B1's 0.5 is not in the total
    assert "Still to come on Gradescope" in report
    assert "- B1 log_softmax for extreme logits: 0.5 of 1 bonus points" in report
    assert "- 3.1 trained MLP checkpoint: test accuracy on the blobs: 1 of 3 points" in report


def test_an_mlp_checkpoint_that_does_not_fit_is_named_clearly(tmp_path: Path) -> None:
    """The engine's reader and loader with the demo's own model and words, in-process."""
    from autograder.deeplearning.checkpoint import (
        ArchitectureMismatch, CheckpointTooLarge, NonFiniteWeights, load_state_into, read_checkpoint,
    )

    support = load_module(COURSE / "tests" / NAME / "mlp_grading.py")
    words = dict(size_hint=support.SIZE_HINT, how_to_save=support.HOW_TO_SAVE)
    good = support.build_mlp().state_dict()
    path = tmp_path / "mlp.pt"
    torch.save({"model_state_dict": {f"module.{k}": v for k, v in good.items()}}, path)
    data = read_checkpoint(path, max_bytes=support.MAX_BYTES, **words)
    model = load_state_into(support.build_mlp(), data, what=support.MODEL)
    assert not model.training and all(torch.equal(model.state_dict()[k], v) for k, v in good.items())
    with pytest.raises(CheckpointTooLarge, match="lab's MLP is about 3 kB.*save_checkpoint"):
        read_checkpoint(path, max_bytes=100, **words)

    wider = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 3))
    with pytest.raises(ArchitectureMismatch) as error:
        load_state_into(support.build_mlp(), {"state_dict": wider.state_dict()}, what=support.MODEL)
    assert str(error.value).startswith(f"the checkpoint does not fit {support.MODEL}: 3 shape(s)")
    assert "0.weight: (32, 2) instead of (16, 2)" in str(error.value)
    nested = {f"net.{k}": v for k, v in good.items()}
    with pytest.raises(ArchitectureMismatch, match="4 missing key.*4 unexpected.*nested inside"):
        load_state_into(support.build_mlp(), {"state_dict": nested})
    broken = {k: v.clone() for k, v in good.items()}
    broken["2.bias"][1] = float("nan")
    with pytest.raises(NonFiniteWeights, match="2.bias"):
        load_state_into(support.build_mlp(), {"state_dict": broken})
