"""Messy submissions, end to end through `python -m autograder grade`: each is graded, not rejected.

Two gradings cover every case (with --only, to stay cheap):
- a zipped folder (`Pennkey HW2/`) holding `Problem1.PY` beside a notebook for problem 1 (the .py
  wins, the feedback says so), a `problem2.py` with a syntax error, a `PROBLEM3.py` importing a
  package that is not installed, a Latin-1 `problem6.py`, and stray files;
- a folder with an empty `problem2.py`, no problem 1 at all, and a problem-6 notebook whose
  function needs a global that only a left-out statement (data loading) defines.
"""
from __future__ import annotations

import json

import pytest

from selftests.grading import REPO, grade_folder, part_scores

FAST_PROBLEMS = ("problem1", "problem2", "problem3", "problem6")
NOT_INSTALLED = "not_a_real_package_for_hw2"
SYNTAX_ERROR = "import torch\n\n\ndef optimal_factorization(X, r)\n    return X, X\n"  # line 4


def _notebook(*cells: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": source.splitlines(keepends=True)} for source in cells]})


def _with_import_after_future(source: str, line: str) -> str:
    marker = "from __future__ import annotations\n"
    head, _, tail = source.partition(marker)
    return head + marker + line + tail if tail else line + source


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("messy")
    folder = root / "submission" / "Pennkey HW2"
    folder.mkdir(parents=True)
    (folder / "Problem1.PY").write_bytes((REPO / "reference" / "hw2" / "problem1.py").read_bytes())
    (folder / "pennkey_hw2_problem1.ipynb").write_text(
        _notebook("def count_parameters(model):\n    return 0\n"))
    (folder / "problem2.py").write_text(SYNTAX_ERROR)
    (folder / "PROBLEM3.py").write_text(_with_import_after_future(
        (REPO / "reference" / "hw2" / "problem3.py").read_text(), f"import {NOT_INSTALLED}\n"))
    latin1 = "# Résumé of problem 6, café edition\n" + (REPO / "reference/hw2/problem6.py").read_text()
    (folder / "problem6.py").write_bytes(latin1.encode("latin-1"))
    strays = {"notes.txt": "to do", "__MACOSX/._problem2.py": "\x00\x05junk",
              ".ipynb_checkpoints/pennkey_hw2_problem2-checkpoint.ipynb": _notebook("x = 1\n"),
              "old/problem2.py": "def broken(:\n", "results.json": "{}", "run.sh": "rm -rf /\n"}
    for name, text in strays.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return grade_folder(root / "submission", root / "results.json", "--only", *FAST_PROBLEMS)


NEEDS_A_LEFT_OUT_GLOBAL = ("import torch\n", "history = torch.load('grads.pt')\n"
                           "SCALE = len(history)\n",
                           "def clip_gradient_norm(grad, max_norm):\n"
                           "    norm = grad.norm() * SCALE\n"
                           "    return grad if norm <= max_norm else grad * (max_norm / norm)\n")


@pytest.fixture(scope="module")
def sparse(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("sparse")
    (root / "submission").mkdir()
    (root / "submission" / "problem2.py").write_bytes(b"")
    (root / "submission" / "hw2_problem6.ipynb").write_text(_notebook(*NEEDS_A_LEFT_OUT_GLOBAL))
    return grade_folder(root / "submission", root / "results.json",
                        "--only", "problem1", "problem2", "problem6")


def outputs(results: dict, label: str) -> list[str]:
    return [test["output"] for test in results["tests"] if test["number"] == label]


def test_good_files_in_a_nested_folder_with_odd_names_earn_full_marks(messy) -> None:
    scores = part_scores(messy)
    for label in ("1.b", "1.c", "1.e", "6.a", "6.c"):
        assert scores[label][0] == scores[label][1] > 0, (label, outputs(messy, label))


def test_the_py_file_wins_over_the_notebook_and_the_feedback_says_so(messy) -> None:
    assert "`Pennkey HW2/Problem1.PY` is graded" in messy["output"]
    assert "a .py file comes before a notebook" in messy["output"]


def test_a_syntax_error_is_named_with_its_file_and_line(messy) -> None:
    scores = part_scores(messy)
    assert all(scores[label][0] == 0 for label in ("2.a", "2.b", "2.c"))
    texts = outputs(messy, "2.b")
    assert all("problem2.py failed to import (SyntaxError)" in text for text in texts)
    assert any("line 4" in text and "problem2.py" in text for text in texts)


def test_an_import_of_a_missing_package_is_named(messy) -> None:
    scores = part_scores(messy)
    assert scores["3.a"][0] == 0 and scores["3.b"][0] == 0
    texts = outputs(messy, "3.b")
    assert all("ModuleNotFoundError" in text for text in texts)
    assert any(NOT_INSTALLED in text for text in texts)


def test_a_latin1_file_is_graded_with_a_note(messy) -> None:
    assert "problem6.py (re-encoded as UTF-8)" in messy["output"]
    assert "not valid UTF-8" in messy["output"]


def test_stray_files_are_ignored(messy) -> None:
    summary = messy["output"]
    for stray in ("notes.txt", "run.sh", "__MACOSX", "checkpoint.ipynb", "results.json"):
        assert stray not in summary
    assert "old/problem2.py" in summary  # a deeper copy is named among the candidates, not graded
    assert "`Pennkey HW2/problem2.py` is graded" in summary


def test_an_empty_file_and_a_missing_file_score_zero_and_are_named(sparse) -> None:
    scores = part_scores(sparse)
    assert set(scores) == {"1.b", "1.c", "1.e", "2.a", "2.b", "2.c", "6.a", "6.c"}
    assert all(score == 0 for score, _ in scores.values())
    assert all("problem1.py was not found in the submission" in text
               for label in ("1.b", "1.c", "1.e") for text in outputs(sparse, label))
    assert "`problem2.py`: The file is empty" in sparse["output"]
    assert all("is not defined in the submission" in text for text in outputs(sparse, "2.b"))


def test_a_notebook_error_names_the_cell_and_the_left_out_global_it_needed(sparse) -> None:
    public, hidden = ([test["output"] for test in sparse["tests"] if test["number"] == "6.c"
                       and ("(case " in test["name"]) == is_hidden]  # hidden checks' names
                      for is_hidden in (False, True))
    assert part_scores(sparse)["6.c"][0] == 0 and public and hidden
    for text in public:
        assert 'File "hw2_problem6.ipynb", cell 3, line 2, in clip_gradient_norm' in text
        assert "SCALE is defined in hw2_problem6.ipynb only by a statement the grader leaves out " \
               "(cell 2, line 2: SCALE = len(history)" in " ".join(text.split())
    assert "cell 2, line 1: `history = torch.load('grads.pt')`" in sparse["output"]
    assert not [text for text in hidden if "SCALE" in text or "cell 3" in text]
