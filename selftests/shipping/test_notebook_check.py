"""`autograder.check()` from a cell of a real notebook, run in a real Jupyter kernel (nbclient,
ipykernel), in HW4's unpacked student handout as a student would use it.

A notebook with a top-level training step and a download gets the same table as `python -m
autograder check` on the same notebook file, without its top level being run again; a cell with
a syntax error is named; the HTML table has one row per part.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
TOP_LEVEL_WORK = (  # what a Colab notebook does at its top level; the check must not run it again
    "open('ran.txt', 'a').write('by the kernel\\n')\n"
    "try:\n"
    "    import torchvision\n"
    "    torchvision.datasets.CIFAR10('./data', train=True, download=True)\n"
    "except Exception as error:\n"
    "    print('no download here:', type(error).__name__)\n"
    "for epoch in range(2):\n"
    "    print('training epoch', epoch)\n")


@pytest.fixture
def folder(shipped, tmp_path: Path) -> Path:
    """A copy of HW4's handout, where a student's notebook lives."""
    _, handout = shipped("hw4")
    destination = tmp_path / "hw4"
    shutil.copytree(handout, destination)
    return destination


def run_notebook(folder: Path, cells: list[str], name: str, **kernel: object) -> nbformat.NotebookNode:
    """Save the cells as `name` and run them in a fresh kernel (`kernel`: e.g. its `env`)."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells])
    nbformat.write(notebook, folder / name)
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute(**kernel)
    return notebook


def outputs(cell: nbformat.NotebookNode, kind: str) -> str:
    found = []
    for output in cell.get("outputs", []):
        if kind == "stream" and output.get("output_type") == "stream":
            found.append(output["text"])
        elif kind in output.get("data", {}):
            found.append(output["data"][kind])
        elif kind == "error" and output.get("output_type") == "error":
            found.append(f"{output['ename']}: {output['evalue']}")
    return "\n".join(found)


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_a_check_from_the_notebook_gives_the_command_lines_table_without_rerunning_it(folder) -> None:
    definitions = (REPO / "reference" / "hw4" / "problem7.py").read_text()
    cells = [definitions, TOP_LEVEL_WORK,
             "import autograder\nreport = autograder.check('problem7')", "print(report.text)"]
    notebook = run_notebook(folder, cells, "pennkey_hw4_problem7.ipynb")
    assert outputs(notebook.cells[2], "error") == ""
    table = _Table()
    table.feed(outputs(notebook.cells[2], "text/html"))
    assert table.rows == [["part", "score", "result"], ["7", "3/3", "all checks passed"], ["total", "3/3", ""]]
    assert "part   score" not in outputs(notebook.cells[2], "text/html")  # the table is not shown twice
    assert (folder / "ran.txt").read_text() == "by the kernel\n"  # the kernel's run, not the check's
    in_notebook = outputs(notebook.cells[3], "stream")
    assert "problem7.ipynb (definitions only)" in in_notebook  # the cells the kernel ran
    assert "`open('ran.txt', 'a').write('by the kernel\\n')`" in in_notebook  # listed as left out

    (folder / "problem7.py").unlink()  # the template's file would be graded before the notebook
    completed = subprocess.run([sys.executable, "-m", "autograder", "check", "--only", "problem7"],
                               cwd=folder, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert _table_lines(in_notebook) == _table_lines(completed.stdout) == \
        ["part   score  result", "7        3/3  all checks passed", "total    3/3"]


def test_under_a_jupyter_server_the_saved_notebook_is_checked(folder) -> None:
    """A Jupyter server tells its kernels which notebook they run (JPY_SESSION_NAME, which
    ipykernel also shows as `__session__`): the saved file is checked, not what the kernel ran,
    and the check says which file it read."""
    reference = (REPO / "reference" / "hw4" / "problem7.py").read_text()
    saved = folder / "pennkey_hw4_problem7.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(reference)]), saved)
    stale = "def conv_layer_counts(K, C, F):\n    return 0, 0"  # what this kernel ran instead
    cells = [reference.replace("def conv_layer_counts", "def _unused"), stale,
             "import autograder\nautograder.check('problem7')"]
    env = {**os.environ, "JPY_SESSION_NAME": str(saved)}
    notebook = run_notebook(folder, cells, "scratch.ipynb", env=env)
    assert outputs(notebook.cells[2], "error") == ""
    shown = notebook.cells[2].outputs
    assert len(shown) == 1, shown  # check() shows its table; its value ending the cell is not shown again
    table = _Table()
    table.feed(outputs(notebook.cells[2], "text/html"))
    assert table.rows[1:] == [["7", "3/3", "all checks passed"], ["total", "3/3", ""]]
    assert "pennkey_hw4_problem7.ipynb" in outputs(notebook.cells[2], "text/html")


def _table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("part", "7 ", "total"))]


def test_a_cell_that_does_not_parse_is_named(folder) -> None:
    cells = ["import torch", "def conv_layer_counts(K, C, F):\n    return (K * K * C * F, F",
             "import autograder\nreport = autograder.check('7')", "print(report.text)"]
    notebook = run_notebook(folder, cells, "pennkey_hw4_problem7.ipynb")
    text = outputs(notebook.cells[3], "stream")
    assert "cell 2, line 2" in text and "the cell does not parse ('(' was never closed)" in text
    assert outputs(notebook.cells[2], "error") == ""


def test_outside_a_notebook_it_says_what_to_run_instead(folder) -> None:
    completed = subprocess.run([sys.executable, "-c", "import autograder; autograder.check('7')"],
                               cwd=folder, capture_output=True, text=True, timeout=120)
    assert completed.returncode != 0 and "python -m autograder check" in completed.stderr


def test_the_student_guides_colab_cell_works_as_written(shipped, tmp_path: Path) -> None:
    """The guide's one cell, run in a kernel next to the downloaded handout zip: it unpacks,
    installs nothing this environment already has (torch is not replaced), and the check runs."""
    report, handout = shipped("hw4")
    guide = (handout / "README.md").read_text()
    cell = guide.split("top of your notebook", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert "%pip install -q -r requirements-student.txt" in cell
    shutil.copy(report.handout_zip, tmp_path / "student-handout.zip")
    definitions = (REPO / "reference" / "hw4" / "problem7.py").read_text()
    notebook = run_notebook(tmp_path, [cell.replace("-q ", ""), definitions,
                                       "report = autograder.check('problem7')", "print(report.text)"],
                            "colab.ipynb")
    installing = outputs(notebook.cells[0], "stream")
    assert outputs(notebook.cells[0], "error") == "" and "Installing collected packages" not in installing
    assert _table_lines(outputs(notebook.cells[3], "stream"))[1:] == ["7        3/3  all checks passed",
                                                                       "total    3/3"]


def test_a_saved_checkpoint_is_scored_from_the_notebook(folder) -> None:
    """`check("2.4", checkpoint=..., data=...)`: the checkpoint beside the notebook is scored on
    the test images the student has (a folder in torchvision's download layout)."""
    shutil.copy(REPO / "selftests" / "data" / "fashion_cifar_net.pt", folder / "my_net.pth")
    data = REPO / "selftests" / "data" / "fashion_small"
    cells = [(REPO / "reference" / "hw4" / "problem2.py").read_text(),
             f"import autograder\nreport = autograder.check('2.4', checkpoint='my_net.pth', data={str(data)!r})",
             "print(report.text)"]
    notebook = run_notebook(folder, cells, "PSET4_Classification.ipynb")
    assert outputs(notebook.cells[1], "error") == ""
    text = outputs(notebook.cells[2], "stream")
    assert "Clean accuracy 85.20% on 500 test images" in text
    [row] = [line.split() for line in text.splitlines() if line.startswith("2.4 ")]
    assert row[1] == "3.5/3.5"  # evaluate's public half point and the checkpoint's 3
