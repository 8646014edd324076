"""`python -m autograder build`: what each zip holds, and proof that the handout leaks nothing.

The handout is searched for the body of every function and class of the reference, for the name
and body of every hidden check and helper, and for every top-level assignment of the hidden checks
(their inputs and expected values). Not searched for, because they are public on purpose: code
identical to a public check's (a hidden twin that runs the same steps on other data), docstrings
(Gradescope shows them as the checks' names), and helpers the template shares verbatim with the
reference (the All-CNN, `save_checkpoint`, ...).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from autograder.build import BuildError, build, handout_entries
from autograder.course import find_assignment, read_registry
from selftests.shipping.kit import definitions, module_assignments, texts_under, zip_modes

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = read_registry().names
GRADER_TOP_LEVEL = {"setup.sh", "run_autograder", "requirements.txt", "autograder", "tests",
                    "reference", "setup.d", "scripts", "data"}
NEVER_SHIPPED = ("__pycache__", ".venv", "selftests", "dist", ".git", ".data", "benchmarks",
                 ".pytest_cache", "student_template")


def test_autograder_zip_has_its_entry_points_at_the_root_and_nothing_else(built) -> None:
    modes = zip_modes(built.autograder_zip)
    names = list(modes)
    assert modes["setup.sh"] == 0o755 and modes["run_autograder"] == 0o755
    assert {PurePosixPath(name).parts[0] for name in names} <= GRADER_TOP_LEVEL
    for needed in ("tests/hw2/assignment.toml", "autograder/schema/gradescope-results.schema.json",
                   "autograder/__main__.py", "tests/conftest.py", "tests/assignments.toml",
                   "requirements.txt"):
        assert needed in names
    for problem in ("problem1", "problem2", "problem3", "problem5", "problem6"):
        assert f"reference/hw2/{problem}.py" in names
        assert f"tests/hw2/public/test_{problem}.py" in names
        assert f"tests/hw2/hidden/test_{problem}.py" in names
    for name in names:
        parts = PurePosixPath(name).parts
        assert not set(parts) & set(NEVER_SHIPPED), name
        assert not name.endswith((".pyc", ".pt", ".pth")), name
        assert not any(part.startswith(".") for part in parts), name


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_handout_holds_the_template_public_checks_and_runner_only(shipped, name: str) -> None:
    report, _ = shipped(name)
    names = [PurePosixPath(item) for item in zip_modes(report.handout_zip)]
    assert {item.parts[0] for item in names} == {find_assignment(name).settings.handout_folder}
    inner = {PurePosixPath(*item.parts[1:]).as_posix() for item in names}
    for needed in ("README.md", "pytest.ini", "requirements.txt", "tests/conftest.py",
                   "tests/assignments.toml", "autograder/local_check.py", "autograder/plugin.py",
                   f"tests/{name}/assignment.toml", f"tests/{name}/settings.py"):
        assert needed in inner
    template = sorted(path.name for path in (REPO / "student_template" / name).glob("problem*.py"))
    assert template and all(item in inner for item in template)
    assert not [item for item in inner if item.startswith(("reference/", f"tests/{name}/hidden/"))
                or "hidden" in item or item.endswith((".pt", ".pth", ".pyc"))]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_handout_readme_is_the_students_guide(shipped, name: str) -> None:
    _, handout = shipped(name)
    assert (handout / "README.md").read_text() == (REPO / "tests" / name / "students.md").read_text()
    for path in (REPO / "student_template" / name).glob("problem*.py"):
        assert (handout / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_reference_code_in_the_handout(shipped, name: str) -> None:
    _, handout = shipped(name)
    texts = texts_under(handout)
    assert not [str(path) for path, text in texts.items() if text is None]  # all searchable
    shipped_text = "\n".join(text or "" for text in texts.values())
    template: dict[str, str] = {}
    for path in (REPO / "student_template" / name).glob("*.py"):
        template.update(definitions(path))
    searched, leaked = 0, []
    for path in sorted((REPO / "reference" / name).glob("*.py")):
        for function, body in definitions(path).items():
            if not body or template.get(function) == body:
                continue  # a helper the template gives students as it is
            searched += 1
            if body in shipped_text:
                leaked.append(f"{path.name}: {function}")
    assert searched >= 20 and not leaked, leaked


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_hidden_check_in_the_handout(shipped, name: str) -> None:
    _, handout = shipped(name)
    shipped_text = "\n".join(text or "" for text in texts_under(handout).values())
    raw = "\n".join(path.read_text(encoding="utf-8", errors="replace")
                    for path in handout.rglob("*") if path.is_file())
    public = sorted((REPO / "tests" / name / "public").glob("test_*.py"))
    public_code = {body for path in public for body in definitions(path).values()}
    public_code |= {line for path in public for line in module_assignments(path)}
    hidden_files = sorted((REPO / "tests" / name / "hidden").glob("test_*.py"))
    assert hidden_files
    names = searched = 0
    for path in hidden_files:
        for function, body in definitions(path).items():
            if function.startswith("test_"):
                names += 1
                assert function not in raw, f"{path.name}: hidden check {function} is named in the handout"
            if body and body not in public_code:  # a public check's twin shares code, not data
                searched += 1
                assert body not in shipped_text, f"{path.name}: the body of {function} is in the handout"
        for assignment in module_assignments(path):
            if assignment not in public_code:
                searched += 1
                assert assignment not in shipped_text, f"{path.name}: `{assignment}` is in the handout"
    assert names >= 10 and searched >= names


def _squeezed(text: str) -> str:
    """Lower case, without spaces or multiplication signs, `**` as `^`: one spelling of a formula."""
    return text.lower().replace("**", "^").replace("*", "").replace(" ", "").replace("\n", "")


# Closed forms that students derive for an autograded symbolic part, per assignment, with the
# reference file that states them (so the search is shown able to hit). HW2: 6.a's scalar gradient
# (3.a's 1/lambda is not here: the homework states it). HW4: 3.3's decay factor and 5.b's bound
# and limit.
DERIVED_ANSWERS = {
    "hw2": ("problem6.py", ("(T-1) w^(T-2)", "w**(T - 2)", "w^(T-2)", "(T - 1) * w ** (T - 2)")),
    "hw4": ("problem5.py", ("2 / (x**2 + sigma**2)", "x * y / (x**2 + sigma**2)", "1 - 2 * alpha * lam")),
}


@pytest.mark.parametrize("name", sorted(DERIVED_ANSWERS))
def test_the_handout_never_states_a_derived_closed_form(shipped, name: str) -> None:
    _, handout = shipped(name)
    file, forms = DERIVED_ANSWERS[name]
    text = _squeezed("\n".join(text or "" for text in texts_under(handout).values()))
    assert not [form for form in forms if _squeezed(form) in text]
    reference = _squeezed((REPO / "reference" / name / file).read_text())
    assert any(_squeezed(form) in reference for form in forms)  # the search can hit


def test_builds_are_reproducible(built, tmp_path) -> None:
    again = build(REPO, tmp_path, assignment="hw2")
    assert again.autograder_zip.read_bytes() == built.autograder_zip.read_bytes()
    assert again.handout_zip.read_bytes() == built.handout_zip.read_bytes()


TINY_SETTINGS = """\
name = "Tiny"
handout_folder = "tiny"
[limits]
call_timeout_s = 10
symbolic_timeout_s = 5
check_timeout_s = 60
[visibility]
public = "visible"
hidden = "visible"
[[files]]
key = "problem1"
kind = "module"
[[parts]]
label = "1"
points = 1
file = "problem1"
what = "f"
"""


def _tiny_tree(root: Path, public_check: str):
    for name, text in {
        "student_template/tiny/problem1.py": "def f():\n    raise NotImplementedError\n",
        "autograder/__main__.py": "",
        "tests/conftest.py": "",
        "tests/assignments.toml": 'assignments = ["tiny"]\ndefault = "tiny"\n',
        "tests/tiny/assignment.toml": TINY_SETTINGS,
        "tests/tiny/public/test_problem1.py": public_check,
        "tests/tiny/students.md": "# guide\n",
        "requirements.txt": "torch\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return find_assignment("tiny", root)


@pytest.mark.parametrize("public_check, why", [
    ("def test_a(student, oracle):\n    pass\n", "oracle"),
    ("from reference import problem1\n", "reference"),
    ("from tests.tiny.hidden.test_problem1 import X\n", "tests.tiny.hidden"),
])
def test_a_public_check_that_needs_the_reference_stops_the_build(tmp_path, public_check, why) -> None:
    with pytest.raises(BuildError, match=why):
        handout_entries(_tiny_tree(tmp_path, public_check))
    handout_entries(_tiny_tree(tmp_path / "fine", "def test_a(student):\n    pass\n"))


def test_build_command_writes_both_zips(tmp_path) -> None:
    completed = subprocess.run([sys.executable, "-m", "autograder", "build", "--assignment", "hw2",
                                "--out", str(tmp_path)],
                               cwd=REPO, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "autograder.zip").is_file() and (tmp_path / "student-handout.zip").is_file()
    assert "set the assignment's total to 84 points" in completed.stdout
    assert "data: not bundled" in completed.stdout or "data: bundled" in completed.stdout


def test_the_cifar_test_batch_is_bundled_when_present(tmp_path) -> None:
    root = tmp_path / "repo"
    for name in ("autograder", "tests", "reference", "student_template"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.sh", "run_autograder", "requirements.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, root / name)
    batches = root / "data" / "cifar-10-batches-py"
    batches.mkdir(parents=True)
    for name in ("test_batch", "batches.meta", "data_batch_1"):
        (batches / name).write_bytes(b"stand-in")
    with_data = build(root, tmp_path / "with", assignment="hw2")
    names = zip_modes(with_data.autograder_zip)
    assert with_data.data_bundled and "data/cifar-10-batches-py/test_batch" in names
    assert "data/cifar-10-batches-py/batches.meta" in names
    assert "data/cifar-10-batches-py/data_batch_1" not in names  # training data: not needed
    without = build(root, tmp_path / "without", include_data=False, assignment="hw2")
    assert not without.data_bundled
    assert not [name for name in zip_modes(without.autograder_zip) if name.startswith("data/")]
