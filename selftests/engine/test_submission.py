"""autograder.boundary.submission: finding the student's files in messy submission folders, running nothing."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from autograder.boundary import submission as submission_module
from autograder.boundary.submission import find_submission
from selftests.grading import HW2_FILES

MESSY = Path(__file__).parent / "messy"
DEFINES_F = "def f():\n    return 1\n"


def make(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> text or bytes) under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def notebook_json(*cells: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": cell} for cell in cells]})


@pytest.fixture
def grade(tmp_path):
    """find_submission on a folder built from a dict, with a work folder outside it."""
    def run(files: dict[str, str | bytes]):
        root = make(tmp_path / "submission", files)
        return find_submission(root, tmp_path / "work", *HW2_FILES)
    return run


def test_plain_submission(grade, tmp_path):
    found = grade({"problem1.py": DEFINES_F, "problem2.py": DEFINES_F, "allcnn.pt": b"\x80weights"})
    assert set(found.files) == {"problem1", "problem2", "allcnn.pt"}
    assert found.files["problem1"] == (tmp_path / "submission" / "problem1.py").resolve()
    assert found.origin["problem1"] == "problem1.py"
    assert found.notes == [] and found.problems == {}


def test_nested_folder_and_capitalized_names(grade, tmp_path):
    found = grade({"HW2/Problem1.PY": DEFINES_F, "HW2/code/problem6.py": DEFINES_F,
                   "HW2/AllCNN.PT": b"w"})
    assert found.origin == {"problem1": "HW2/Problem1.PY", "problem6": "HW2/code/problem6.py",
                            "allcnn.pt": "HW2/AllCNN.PT"}
    assert found.files["problem6"].read_text() == DEFINES_F
    # the worker imports by suffix: a `.PY` file is handed over as a copy named problem1.py
    assert found.files["problem1"] == (tmp_path / "work" / "problem1.py").resolve()
    assert found.files["problem1"].read_text() == DEFINES_F


def test_shallowest_copy_wins_and_the_notes_say_so(grade):
    found = grade({"problem2.py": "A = 1\n", "old/problem2.py": "A = 2\n"})
    assert found.origin["problem2"] == "problem2.py"
    [note] = found.notes
    assert "`problem2.py`" in note and "`old/problem2.py`" in note and "graded" in note


def test_py_file_beats_a_notebook(grade):
    found = grade({"problem5.py": DEFINES_F, "pennkey_hw2_problem5.ipynb": notebook_json("B = 1")})
    assert found.origin["problem5"] == "problem5.py"
    [note] = found.notes
    assert "`problem5.py`" in note and "`pennkey_hw2_problem5.ipynb`" in note
    assert note.index("`problem5.py` is graded") > 0


def test_two_notebooks_shortest_name_then_alphabetical(grade):
    found = grade({"pennkey_hw2_problem5.ipynb": notebook_json("A = 1"),
                   "hw2_problem5.ipynb": notebook_json("A = 2"),
                   "b_problem6.ipynb": notebook_json("A = 3"),
                   "a_problem6.ipynb": notebook_json("A = 4")})
    assert found.origin["problem5"] == "hw2_problem5.ipynb (definitions only)"
    assert found.origin["problem6"] == "a_problem6.ipynb (definitions only)"
    assert "A = 4" in found.files["problem6"].read_text()
    assert len([note for note in found.notes if "Several files" in note]) == 2


def test_notebook_names_match_the_problem_number_exactly(grade):
    found = grade({"hw2_problem10.ipynb": notebook_json("A = 1"),
                   "hw2_problem51.ipynb": notebook_json("A = 1"),
                   "hw2_Problem-6.ipynb": notebook_json("B = 1")})
    assert found.origin == {"problem6": "hw2_Problem-6.ipynb (definitions only)"}


def test_colab_notebook_is_converted_into_the_work_folder(tmp_path):
    root = make(tmp_path / "submission", {})
    shutil.copy(MESSY / "pennkey_hw2_problem5.ipynb", root / "pennkey_hw2_problem5.ipynb")
    found = find_submission(root, tmp_path / "work", *HW2_FILES)
    converted = found.files["problem5"]
    assert converted == (tmp_path / "work" / "problem5.py").resolve()
    source = converted.read_text(encoding="utf-8")
    compile(source, str(converted), "exec")
    assert "def fgsm(" in source and "\nEPS = 8/255" in source and "\ntrainset =" not in source
    assert found.origin["problem5"] == "pennkey_hw2_problem5.ipynb (definitions only)"
    [summary] = found.problems["problem5"]
    assert summary.startswith("This notebook stands in for problem5.py")
    assert "trainset" in summary and "- and " in summary  # the first ten, then a count


def test_syntax_error_file_is_found_as_it_is(grade, tmp_path):
    found = grade({"problem3.py": "def f(:\n"})
    assert found.files["problem3"] == (tmp_path / "submission" / "problem3.py").resolve()
    assert found.problems == {}


def test_latin1_file_is_re_encoded_with_a_note(grade, tmp_path):
    found = grade({"problem3.py": "NAME = 'café'\n".encode("latin-1")})
    assert found.files["problem3"] == (tmp_path / "work" / "problem3.py").resolve()
    assert found.files["problem3"].read_bytes().decode("utf-8") == "NAME = 'café'\n"
    assert "Latin-1" in found.problems["problem3"][0]
    assert "re-encoded" in found.origin["problem3"]


def test_utf16_file_is_re_encoded(grade):
    found = grade({"problem2.py": "NAME = 'é'\n".encode("utf-16")})
    assert found.files["problem2"].read_text(encoding="utf-8") == "NAME = 'é'\n"
    assert "UTF-16" in found.problems["problem2"][0]


def test_files_python_reads_as_they_are_stay_in_place(grade, tmp_path):
    found = grade({"problem1.py": b"\xef\xbb\xbfA = 1\n",                                # UTF-8 BOM
                   "problem2.py": b"# -*- coding: latin-1 -*-\nA = '\xe9'\n"})          # declared
    for key in ("problem1", "problem2"):
        assert found.files[key].parent == (tmp_path / "submission").resolve()
    assert found.problems == {}


def test_a_wrong_coding_declaration_is_replaced(grade):
    found = grade({"problem6.py": "# coding: klingon\nA = 'é'\n".encode("utf-8")})
    text = found.files["problem6"].read_text(encoding="utf-8")
    assert text == "# coding: utf-8\nA = 'é'\n"
    namespace: dict = {}
    exec(compile(found.files["problem6"].read_bytes(), "problem6.py", "exec"), namespace)
    assert namespace["A"] == "é"


def test_empty_file_is_kept_with_a_note_unless_something_else_exists(grade):
    found = grade({"problem1.py": "", "problem2.py": "  \n",
                   "hw2_problem2.ipynb": notebook_json("A = 1")})
    assert found.origin["problem1"] == "problem1.py"
    assert "empty" in found.problems["problem1"][0]
    assert found.origin["problem2"] == "hw2_problem2.ipynb (definitions only)"


def test_missing_and_stray_files(grade):
    found = grade({"problem1.py": DEFINES_F, "README.md": "hi", "hw2.pdf": b"%PDF",
                   "data/cifar-10-batches-py/data_batch_1": b"\x00" * 10, "helpers.py": DEFINES_F})
    assert set(found.files) == {"problem1"}
    assert found.notes == []


def test_near_miss_names_are_pointed_out(grade):
    found = grade({"problem5 (1).py": DEFINES_F, "model.pth": b"w", "problem6.pdf": b"%PDF"})
    assert found.files == {}
    assert any("`problem5 (1).py`" in note and "rename it problem5.py" in note for note in found.notes)
    assert any("`model.pth`" in note and "allcnn.pt" in note for note in found.notes)
    assert not any("problem6" in note for note in found.notes)


def test_notebook_without_a_problem_number_is_pointed_out(grade):
    found = grade({"pennkey_hw2.ipynb": notebook_json("def f():\n    return 1")})
    assert found.files == {}
    assert any("`pennkey_hw2.ipynb` was not graded" in note for note in found.notes)


def test_odd_file_names_stay_on_one_line_without_backticks(grade):
    found = grade({"problem1.py": DEFINES_F, "old/problem1.py": DEFINES_F,
                   "odd`name\nproblem3 x.ipynb": notebook_json("A = 1")})
    assert "\n" not in found.origin["problem3"] and "`" not in found.origin["problem3"]
    assert all("\n" not in note for note in found.notes)


def test_links_out_of_the_submission_are_not_followed(grade, tmp_path):
    secret = make(tmp_path / "outside", {"problem1.py": "SECRET = 'reference'\n"})
    root = make(tmp_path / "submission", {"real/problem2.py": DEFINES_F})
    os.symlink(secret / "problem1.py", root / "problem1.py")
    os.symlink(secret, root / "linked_folder")
    os.symlink(root / "real" / "problem2.py", root / "problem2.py")  # inside: fine
    found = find_submission(root, tmp_path / "work", *HW2_FILES)
    assert "problem1" not in found.files
    assert found.files["problem2"] == (root / "real" / "problem2.py").resolve()
    [note] = [note for note in found.notes if "link" in note]
    assert "`problem1.py`" in note and "`linked_folder`" in note and str(secret) not in note


def test_macos_junk_checkpoints_and_hidden_files_are_ignored(grade):
    found = grade({"__MACOSX/problem1.py": DEFINES_F, "__MACOSX/hw2/._problem2.py": b"\x00\x05",
                   ".ipynb_checkpoints/pennkey_hw2_problem5-checkpoint.ipynb": notebook_json("A = 1"),
                   "hw2/pennkey_hw2_problem6-checkpoint.ipynb": notebook_json("A = 1"),
                   ".problem3.py": DEFINES_F, "hw2/__pycache__/problem1.py": DEFINES_F})
    assert found.files == {} and found.notes == []


def test_files_over_the_size_cap_are_skipped(grade, monkeypatch):
    monkeypatch.setattr(submission_module, "SOURCE_CAP", 100)
    files, hint = HW2_FILES  # the checkpoint's cap comes from its `max_mb` setting
    capped = tuple(dataclasses.replace(f, max_mb=100 / 2**20) if f.kind == "checkpoint" else f
                   for f in files)
    monkeypatch.setitem(globals(), "HW2_FILES", (capped, hint))
    found = grade({"problem1.py": "A = 1\n" * 50, "hw2_problem1.ipynb": notebook_json("A = 1"),
                   "allcnn.pt": b"w" * 101})
    assert found.origin["problem1"] == "hw2_problem1.ipynb (definitions only)"
    assert "allcnn.pt" not in found.files
    assert sum("larger than" in note for note in found.notes) == 2


def test_huge_folders_are_only_partly_scanned(grade, monkeypatch):
    monkeypatch.setattr(submission_module, "MAX_ENTRIES", 5)
    found = grade({"problem1.py": DEFINES_F, **{f"x{index}.txt": "" for index in range(10)},
                   "zz/problem2.py": DEFINES_F})
    assert set(found.files) == {"problem1"}
    assert any("more than 5 files" in note for note in found.notes)


def test_unreadable_notebook_is_explained(grade):
    found = grade({"pennkey_hw2_problem6.ipynb": "{not json"})
    assert "problem6" not in found.files
    assert any("could not be read as a notebook" in note for note in found.notes)


def test_empty_checkpoint_is_reported(grade):
    found = grade({"allcnn.pt": b""})
    assert "empty" in found.problems["allcnn.pt"][0]


def test_nothing_from_the_submission_runs(grade, tmp_path):
    marker = tmp_path / "ran"
    payload = f"open({str(marker)!r}, 'w').write('x')\n"
    found = grade({"problem1.py": payload, "hw2_problem2.ipynb": notebook_json(payload, "A = 1")})
    assert set(found.files) == {"problem1", "problem2"}
    assert not marker.exists()
    assert "open(" not in found.files["problem2"].read_text().split("# --- cell")[1]


def test_stale_work_files_are_removed(tmp_path):
    make(tmp_path / "work", {"problem3.py": "STALE = 1\n"})
    found = find_submission(make(tmp_path / "submission", {"problem1.py": DEFINES_F}), tmp_path / "work", *HW2_FILES)
    assert not (tmp_path / "work" / "problem3.py").exists() and "problem3" not in found.files


def test_missing_submission_folder_and_work_folder_inside_it(tmp_path):
    found = find_submission(tmp_path / "nowhere", tmp_path / "work", *HW2_FILES)
    assert found.files == {} and "missing" in found.notes[0]
    root = make(tmp_path / "submission", {"problem1.py": DEFINES_F})
    with pytest.raises(ValueError):
        find_submission(root, root / "work", *HW2_FILES)
