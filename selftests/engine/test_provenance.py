"""autograder.boundary.provenance: errors point at the files students submitted and at their notebook cells."""
from __future__ import annotations

import json

from autograder.boundary.notebook import definitions_only
from autograder.boundary.provenance import SourceMap, explain

NOTEBOOK = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    {"cell_type": "markdown", "metadata": {}, "source": ["# HW2"]},
    {"cell_type": "code", "metadata": {}, "outputs": [], "source": [
        "import torch\n", "train = torch.load('cifar.pt')\n", "CLASSES = len(train)\n"]},
    {"cell_type": "code", "metadata": {}, "outputs": [], "source": [
        "def fgsm(model, x, y, eps):\n", "    assert CLASSES == 10\n", "    return x\n"]},
]}
CONVERTED = definitions_only(json.dumps(NOTEBOOK))
ASSERT_LINE = CONVERTED.source.split("\n").index("    assert CLASSES == 10") + 1


def trace(module: str, line: int, error: str) -> str:
    return (f"{error}\n\nTraceback (your code):\n"
            f'  File "/tmp/autograder-sandbox-x1/submission/{module}.py", line {line}, in fgsm\n'
            "    assert CLASSES == 10\n")


def test_a_notebook_frame_names_the_cell_and_the_line_and_why_a_global_is_missing() -> None:
    sources = {"problem5": SourceMap("HW2/hw2_problem5.ipynb", CONVERTED)}
    text = explain(trace("problem5", ASSERT_LINE, "NameError: name 'CLASSES' is not defined"), sources)
    assert 'File "HW2/hw2_problem5.ipynb", cell 3, line 2, in fgsm' in text
    assert "/tmp/autograder-sandbox" not in text
    assert "CLASSES is defined in HW2/hw2_problem5.ipynb only by a statement the grader leaves " \
           "out (cell 2, line 3: CLASSES = len(train)" in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 100


def test_a_py_frame_and_a_syntax_error_name_the_submitted_file() -> None:
    sources = {"problem2": SourceMap("My HW/Problem2.PY")}
    text = explain(trace("problem2", 7, "SyntaxError: invalid syntax (problem2.py, line 4)"), sources)
    assert '(My HW/Problem2.PY", line 4)' not in text
    assert 'SyntaxError: invalid syntax ("My HW/Problem2.PY", line 4)' in text
    assert 'File "My HW/Problem2.PY", line 7, in fgsm' in text


def test_names_that_no_left_out_statement_defines_get_no_hint() -> None:
    sources = {"problem5": SourceMap("hw2_problem5.ipynb", CONVERTED)}
    detail = trace("problem5", ASSERT_LINE, "NameError: name 'torchh' is not defined")
    assert "leaves out" not in explain(detail, sources)
    assert "leaves out" not in explain(detail.replace("NameError", "KeyError"), sources)


def test_files_without_a_map_and_lines_the_conversion_wrote_stay_honest() -> None:
    untouched = trace("problem6", 3, "ValueError: bad")
    assert explain(untouched, {"problem5": SourceMap("p5.py")}) == untouched
    header_line = explain(trace("problem5", 1, "ValueError: bad"),
                          {"problem5": SourceMap("nb.ipynb", CONVERTED)})
    assert 'File "nb.ipynb" (converted), line 1' in header_line


def test_a_helper_module_whose_name_ends_like_a_problem_is_left_alone() -> None:
    detail = trace("problem5", ASSERT_LINE, "ValueError: bad").replace("/problem5.py", "/myproblem5.py")
    assert explain(detail, {"problem5": SourceMap("nb.ipynb", CONVERTED)}) == detail
