"""The expected-value store (`autograder.expected_store`): a value read back is the value computed,
bit for bit; anything it cannot name or keep exactly is refused; a file or folder it did not
write, or that others may write, is never believed; student code can neither read nor write it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder import expected_store
from autograder.expected_store import NotStorable, close_store, open_store, stored
from autograder.boundary.student import Student
from selftests.engine.test_seam import PROBLEM2, make_submission, root_only
from selftests.grading import REPO, grade_folder

calls: list[tuple] = []


@stored
def seeded_values(seed: int, scale: float, shape: tuple[int, ...]) -> dict:
    calls.append((seed, scale, shape))
    generator = torch.Generator().manual_seed(seed)
    return {"weights": scale * torch.randn(shape, generator=generator),
            "labels": torch.randint(0, 10, (shape[0],), generator=generator),
            "halves": np.arange(4, dtype=np.float64) / 2, "accuracy": 1 / 3, "kinds": ("a", "b")}


@stored
def a_module(width: int) -> torch.nn.Module:
    return torch.nn.Linear(width, 1)


@pytest.fixture
def store(tmp_path: Path):
    folder = tmp_path / "store"
    assert open_store(folder) == folder
    seeded_values.cache_clear()
    calls.clear()
    yield folder
    close_store()
    seeded_values.cache_clear()


def files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if not path.name.startswith("."))


def same(a: dict, b: dict) -> bool:
    return (a.keys() == b.keys() and all(
        torch.equal(a[k], b[k]) and a[k].dtype == b[k].dtype if isinstance(a[k], torch.Tensor) else
        np.array_equal(a[k], b[k]) and a[k].dtype == b[k].dtype if isinstance(a[k], np.ndarray) else
        a[k] == b[k] for k in a))


def test_a_value_read_back_is_the_value_computed(store: Path) -> None:
    first = seeded_values(3, 0.5, (4, 2))
    assert len(calls) == 1 and len(files(store)) == 1
    seeded_values.cache_clear()  # as a later grading process would start
    second = seeded_values(3, 0.5, (4, 2))
    assert len(calls) == 1, "the value was computed again instead of read back"
    assert same(first, second) and second["kinds"] == ("a", "b")
    close_store()
    seeded_values.cache_clear()
    assert same(seeded_values(3, 0.5, (4, 2)), second) and len(calls) == 2  # no store: computed


def test_arguments_are_named_exactly(store: Path) -> None:
    seeded_values(3, 0.1, (4, 2))
    seeded_values(3, 0.1 + 2**-55, (4, 2))  # the same float when printed to 16 digits
    seeded_values(3, 0.1, [4, 2])           # a list is not the tuple it prints like
    seeded_values(scale=0.1, seed=3, shape=(4, 2))
    assert len(calls) == 4 and len(files(store)) == 4
    with pytest.raises(NotStorable, match="plain arguments"):
        seeded_values(3, 0.1, torch.nn.Linear(2, 2))
    with pytest.raises(NotStorable, match="cannot keep exactly"):
        a_module(3)


def test_a_torn_or_planted_file_is_computed_again(store: Path) -> None:
    expected = seeded_values(5, 1.0, (3, 3))
    (path,) = files(store)
    path.write_bytes(path.read_bytes()[:-7])  # torn: a write cut short
    seeded_values.cache_clear()
    assert same(seeded_values(5, 1.0, (3, 3)), expected) and len(calls) == 2
    path.write_bytes(path.read_bytes() + b"trailing")  # not a file the store wrote
    seeded_values.cache_clear()
    assert same(seeded_values(5, 1.0, (3, 3)), expected) and len(calls) == 3
    assert not path.read_bytes().endswith(b"trailing")  # replaced by the value computed


@root_only
def test_a_file_of_another_user_is_not_believed(store: Path) -> None:
    expected = seeded_values(6, 1.0, (2, 2))
    (path,) = files(store)
    os.chown(path, 65534, 65534)
    seeded_values.cache_clear()
    assert same(seeded_values(6, 1.0, (2, 2)), expected) and len(calls) == 2


def test_a_folder_others_may_write_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    try:
        assert open_store(folder) is None
        seeded_values.cache_clear()
        seeded_values(7, 1.0, (2,))
        assert files(folder) == []
    finally:
        close_store()
        seeded_values.cache_clear()


def test_any_edit_of_the_checks_gives_new_names(tmp_path: Path, monkeypatch) -> None:
    checks = tmp_path / "tests"
    checks.mkdir()
    settings = checks / "assignment.toml"
    settings.write_text("eps = 0.03\n")
    monkeypatch.setattr(expected_store, "FINGERPRINTED", (checks,))
    source = Path(__file__)
    expected_store._fingerprint.cache_clear()
    before = expected_store._fingerprint(source)
    settings.write_text("eps = 0.04\n")
    expected_store._fingerprint.cache_clear()
    assert expected_store._fingerprint(source) != before
    expected_store._fingerprint.cache_clear()


@root_only
def test_student_code_can_neither_read_nor_write_the_store(store: Path, tmp_path: Path) -> None:
    seeded_values(8, 1.0, (2,))
    (path,) = files(store)
    student = Student(make_submission(tmp_path, {"problem2.py": PROBLEM2}))
    try:
        for attempt in (lambda: student.problem2.read(str(path)),
                        lambda: student.problem2.write(str(store / "planted.bin"), "x")):
            with pytest.raises(Exception, match="PermissionError"):
                attempt()
    finally:
        student.close()
    assert [p.name for p in files(store)] == [path.name]


def test_a_grading_from_stored_values_equals_one_that_computes_them(tmp_path: Path, monkeypatch) -> None:
    """HW2's problem 5 graded twice from an empty store (the second run reads what the first
    stored) and once with the store off: the same scores and the same feedback."""
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "problem5.py").write_text((REPO / "reference" / "hw2" / "problem5.py").read_text())
    store = tmp_path / "store"
    outputs, written = [], []
    for setting in (str(store), str(store), "off"):
        monkeypatch.setenv(expected_store.STORE_ENV, setting)
        data = grade_folder(submission, tmp_path / "results.json", "--only", "problem5")
        outputs.append(json.dumps([(t["name"], t["score"], t.get("output")) for t in data["tests"]]))
        written.append({path.name: path.stat().st_ino for path in files(store)})
    assert written[0], "the grading stored nothing"
    assert written[1] == written[0], "the second grading computed its values again"
    assert outputs[0] == outputs[1] == outputs[2]
