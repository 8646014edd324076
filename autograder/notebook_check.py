"""`autograder.check()` from a cell of the student's own notebook (Jupyter, Colab, VS Code).

A student who works in a notebook checks it where it is, the way Otter's `grader.check("q1")` is
used, and gets what `python -m autograder check` prints, because that is what runs: the notebook's
code is written into a scratch copy of the student's folder as the notebook that stands in for one
file, and the command-line check grades that copy in a separate process, with the same notebook
rules and the same sandboxed worker as Gradescope. Only the code text crosses: nothing the kernel
holds (objects, imported modules, a trained model in memory) is read, trusted or reused, and the
notebook's training loops and downloads are dropped by the rules, never run.

The code is the saved `.ipynb` when the kernel says where it is (Jupyter's `__session__`,
`JPY_SESSION_NAME`, VS Code's `__vsc_ipynb_file__`), else the cells the kernel has run in this
session (Colab), in order, without the cell that calls `check`.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course import COURSE_ROOT, find_assignment

CHECK_TIMEOUT_S = 1800.0
_SESSION_NAMES = ("__session__", "__vsc_ipynb_file__")


class NotebookCheckError(RuntimeError):
    """The notebook's code could not be found, or which file it stands for is unclear."""


@dataclass(frozen=True)
class NotebookCheck:
    """What one in-notebook check printed (`text`) and found (`results`, results.json's data);
    shown as an HTML table in a notebook and as the command line's text elsewhere."""

    text: str
    results: dict[str, Any]
    notebook: str
    _shown_in: list[Any] = field(default_factory=lambda: [None], repr=False, compare=False)

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return render_html(self.results, self.text, self.notebook)

    def _ipython_display_(self) -> None:
        """Shown once per cell: `check()` shows it, and when the call ends its cell, IPython's
        showing of the value does not repeat it (a later cell's `report` shows it again)."""
        cell = _execution_count()
        if cell is not None and self._shown_in[0] == cell:
            return
        self._shown_in[0] = cell
        from IPython.display import HTML, display

        display(HTML(self._repr_html_()))


def check(*problems: str, checkpoint: str | Path | None = None, data: str | Path | None = None,
          eval_limit: int | None = None, folder: str | Path = ".", assignment: str | None = None,
          show: bool = True) -> NotebookCheck:
    """Run the public checks of `problems` (file keys such as "lab3", or part labels such as
    "4.c"; none: every one this notebook feeds) on this notebook's code and the other files in
    `folder`, and show the per-part table. `checkpoint` is a saved checkpoint to score with them,
    `data` the folder of the data set it is scored on (torchvision's `./data` works)."""
    layout = find_assignment(assignment)
    settings = layout.settings
    name, cells = notebook_code()
    key = _stands_for(settings, name, problems)
    wanted = _problems(settings, problems) or [part.problem for part in settings.parts if part.file == key]
    with tempfile.TemporaryDirectory(prefix="autograder-notebook-") as scratch:
        submission = Path(scratch) / "submission"
        _copy_folder(Path(folder), submission, skip=lambda path: path.name.lower() == f"{key}.py" or (
            path.suffix.lower() == ".ipynb" and _matches(settings, key, path.name)))
        notebook_name = name if name and _matches(settings, key, name) else f"{key}.ipynb"
        (submission / notebook_name).write_text(json.dumps(as_notebook(cells)), encoding="utf-8")
        if checkpoint is not None:
            target = next((file.key for file in settings.files if file.kind == "checkpoint"), None)
            if target is None:
                raise NotebookCheckError(f"{settings.name} grades no checkpoint")
            shutil.copy(Path(checkpoint), submission / target)
        results_path = Path(scratch) / "results.json"
        command = [sys.executable, "-m", "autograder", "check", str(submission), "--assignment",
                   layout.name, "--results", str(results_path), "--figures", str(Path(scratch) / "figures"),
                   "--only", *dict.fromkeys(wanted)]
        if data is not None:
            command += ["--data", str(Path(data).resolve())]
        if eval_limit is not None:
            command += ["--eval-limit", str(int(eval_limit))]
        completed = subprocess.run(command, cwd=COURSE_ROOT, capture_output=True, text=True,
                                   timeout=CHECK_TIMEOUT_S)
        if completed.returncode != 0 or not results_path.is_file():
            raise NotebookCheckError("the checks could not run:\n" + completed.stderr[-3000:])
        results = json.loads(results_path.read_text(encoding="utf-8"))
    report = NotebookCheck(completed.stdout.replace(str(submission), notebook_name), results, notebook_name)
    if show:
        _display(report)
    return report


# ------------------------------------------------------------------------------ the code
def notebook_code() -> tuple[str | None, list[str]]:
    """(the saved notebook's file name or None, its code cells' sources)."""
    shell = _shell()
    if shell is None:
        raise NotebookCheckError("autograder.check() runs in a notebook; in a terminal, run "
                                 "`python -m autograder check` in your folder instead")
    for candidate in [shell.user_ns.get(name) for name in _SESSION_NAMES] + [os.environ.get("JPY_SESSION_NAME")]:
        if not (isinstance(candidate, str) and candidate.endswith(".ipynb")):
            continue
        # a full path (Jupyter Server 2, VS Code), or one relative to the server's root (older
        # servers), whose notebook is then the one of that name in the kernel's folder
        for path in (Path(candidate), Path.cwd() / Path(candidate).name):
            if path.is_file():
                notebook = json.loads(path.read_text(encoding="utf-8"))
                cells = ["".join(cell.get("source", "")) for cell in notebook.get("cells", [])
                         if cell.get("cell_type") == "code"]
                return path.name, cells
    history = list(shell.history_manager.input_hist_raw)[1:-1]  # [0] is empty; [-1] calls check
    return None, [cell for cell in history if cell.strip()]


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def as_notebook(cells: list[str]) -> dict[str, Any]:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                       "source": source} for source in cells]}


def _problems(settings: Any, asked: tuple[str, ...]) -> list[str]:
    """The test-file problems for what was asked: part labels map to their problem."""
    by_label = {part.label: part.problem for part in settings.parts}
    known = set(settings.problems())
    out = []
    for item in asked:
        if item in by_label:
            out.append(by_label[item])
        elif item in known:
            out.append(item)
        else:
            raise NotebookCheckError(f"{item!r} is neither a part nor a problem of {settings.name} "
                                     f"(parts: {', '.join(by_label)})")
    return out


def _stands_for(settings: Any, name: str | None, asked: tuple[str, ...]) -> str:
    """The module file this notebook stands in for: by its saved name, else by what was asked."""
    modules = [file for file in settings.files if file.kind == "module"]
    if name is not None:
        matched = [file.key for file in modules if _matches(settings, file.key, name)]
        if len(matched) == 1:
            return matched[0]
    files = {part.file for part in settings.parts if part.problem in _problems(settings, asked)}
    files &= {file.key for file in modules}
    if len(files) == 1:
        return files.pop()
    keys = [file.key for file in modules]
    raise NotebookCheckError(f"say which file this notebook is, e.g. autograder.check({keys[0]!r}) "
                             f"(files: {', '.join(keys)})" if keys else f"{settings.name} has no file "
                             "a notebook can stand in for")


def _matches(settings: Any, key: str, name: str) -> bool:
    file = next(file for file in settings.files if file.key == key)
    return bool(file.notebook) and re.search(file.notebook, name.lower()) is not None


def _copy_folder(source: Path, destination: Path, *, skip: Callable[[Path], bool]) -> None:
    """The student's other files (modules, notebooks, checkpoints), without those this notebook's
    code replaces (its `.py` file, its saved notebooks), the grader, caches and environments."""
    ignored = {"autograder", "tests", ".venv", "venv", "__pycache__", ".ipynb_checkpoints", "check-figures"}
    destination.mkdir(parents=True)
    for path in source.iterdir() if source.is_dir() else ():
        if path.name in ignored or path.name.startswith(".") or skip(path):
            continue
        if path.is_file() and path.suffix.lower() in (".py", ".ipynb", ".pt", ".pth", ".ckpt"):
            shutil.copy(path, destination / path.name)


# ------------------------------------------------------------------------------ showing it
def _display(report: NotebookCheck) -> None:
    try:
        report._ipython_display_()
    except ImportError:  # no IPython: plain text
        print(report.text)


def _execution_count() -> int | None:
    shell = _shell()
    return getattr(shell, "execution_count", None) if shell is not None else None


def render_html(results: dict[str, Any], text: str, notebook: str) -> str:
    """The per-part table as HTML, then the rest of the command line's report (what was lost and
    why, what is still to come, the notebook's left-out statements), every text escaped."""
    parts: dict[str, list[float]] = {}
    for test in results.get("tests", []):
        totals = parts.setdefault(str(test.get("number", "")), [0.0, 0.0])
        totals[0] += float(test.get("score", 0))
        totals[1] += float(test.get("max_score", 0))
    cell = '<td style="text-align:left">'
    rows = "".join(f"<tr>{cell}{html.escape(label)}</td>{cell}{_points(s)}/{_points(t)}</td>"
                   f"{cell}{'all checks passed' if s >= t else 'points lost (see below)'}</td></tr>"
                   for label, (s, t) in parts.items())
    earned, possible = (sum(values[i] for values in parts.values()) for i in (0, 1))
    rows += f"<tr>{cell}<b>total</b></td>{cell}<b>{_points(earned)}/{_points(possible)}</b></td>{cell}</td></tr>"
    head = "".join(f'<th style="text-align:left">{name}</th>' for name in ("part", "score", "result"))
    return (f'<div class="autograder-check"><p>Public checks on <code>{html.escape(notebook)}</code>'
            f"</p><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            f'<pre style="font-family:monospace">{html.escape(_without_table(text))}</pre></div>')


def _without_table(text: str) -> str:
    """The report's text less its first line and its table, which the HTML shows already."""
    lines = text.splitlines()[1:]
    start = next((i for i, line in enumerate(lines) if line.startswith("part ")), None)
    end = next((i for i, line in enumerate(lines) if line.startswith("total ")), None)
    if start is not None and end is not None and start < end:
        lines = lines[:start] + lines[end + 1:]
    return "\n".join(lines).strip("\n")


def _points(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0")
