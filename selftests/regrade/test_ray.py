"""`--engine ray` (an embedded Ray on this machine, 2 CPUs) gives the scores the local engine gives."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from selftests.regrade.kit import make_folder, read_csv, regrade, without_timing

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None,
    reason="ray is not installed (it is optional: .venv/bin/pip install -r requirements-ray.txt)")

ONLY = ("--only", "problem2")


def test_the_ray_engine_grades_like_the_local_engine(tmp_path: Path) -> None:
    source = tmp_path / "class"
    for name, kind in (("s1", "reference"), ("s2", "broken"), ("s3", "template")):
        make_folder(kind, source / name)
    local, ray = tmp_path / "local", tmp_path / "ray"
    assert regrade(source, local, "--jobs", "2", *ONLY).returncode == 0
    completed = regrade(source, ray, "--engine", "ray", "--jobs", "2", *ONLY)
    assert completed.returncode == 0, completed.stderr[-4000:]
    assert "Ray engine on an embedded Ray (2 CPUs)" in completed.stderr
    assert read_csv(ray) == read_csv(local)
    assert [row["total"] for row in read_csv(ray)] == ["20", "0", "0"]
    for name in ("s1", "s2", "s3"):
        documents = [without_timing(json.loads((out / name / "results.json").read_text()))
                     for out in (local, ray)]
        assert documents[0] == documents[1], name
    records = json.loads((ray / "manifest.json").read_text())["submissions"]
    assert all(record["worker"].count(" pid ") == 1 for record in records.values())  # "node pid N"
