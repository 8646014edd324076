"""autograder.deeplearning.cifar_fetch and tests/hw2/setup.d/20-cifar-test-set.sh: the test batch is fetched at setup time
only when the zip does not bundle it, checked, and written under our own names; every failure
leaves nothing behind and never fails the setup.

The archive is served from a file:// URL: the real one (170 MB, cs.toronto.edu) is out of reach here.
"""
from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

from autograder.deeplearning.cifar import BATCHES_FOLDER, CifarDataError, load_test_set, write_batch, write_meta
from autograder.deeplearning.cifar_fetch import fetch_test_set

REPO = Path(__file__).resolve().parents[3]
STEP = REPO / "tests" / "hw2" / "setup.d" / "20-cifar-test-set.sh"


def archive(tmp_path: Path, *, extra: dict[str, bytes] | None = None, drop: str | None = None) -> tuple[str, str]:
    """(file:// URL, MD5) of a tar.gz laid out like CIFAR-10's, with 5 images in its test batch."""
    source = tmp_path / "source" / BATCHES_FOLDER
    pictures = np.random.default_rng(0).integers(0, 256, size=(5, 3, 32, 32), dtype=np.uint8)
    write_batch(source / "test_batch", pictures, [0, 1, 2, 3, 4], "fetch self-test batch")
    write_batch(source / "data_batch_1", pictures, [4, 3, 2, 1, 0], "fetch self-test training")
    write_meta(source, [f"class {i}" for i in range(10)], 5)
    path = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name in ("test_batch", "data_batch_1", "batches.meta"):
            if name != drop:
                tar.add(source / name, arcname=f"{BATCHES_FOLDER}/{name}")
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path.as_uri(), hashlib.md5(path.read_bytes()).hexdigest()


def test_the_test_batch_and_the_class_names_are_fetched_and_nothing_else(tmp_path) -> None:
    url, md5 = archive(tmp_path, extra={"../../escaped.txt": b"x", "/tmp/absolute.txt": b"y"})
    folder = fetch_test_set(tmp_path / "data", url=url, md5=md5)
    assert folder == tmp_path / "data" / BATCHES_FOLDER
    assert sorted(path.name for path in folder.iterdir()) == ["batches.meta", "test_batch"]
    assert load_test_set(tmp_path / "data").labels.tolist() == [0, 1, 2, 3, 4]
    assert not (tmp_path / "escaped.txt").exists() and not Path("/tmp/absolute.txt").exists()
    assert fetch_test_set(tmp_path / "data", url="file:///nowhere", md5="0") == folder  # in place


@pytest.mark.parametrize("damage, match", [
    ("md5", "MD5"), ("missing member", "no cifar-10-batches-py/test_batch"), ("unreachable", "could not download"),
])
def test_a_bad_download_is_a_message_and_leaves_nothing(tmp_path, damage, match) -> None:
    url, md5 = archive(tmp_path, drop="test_batch" if damage == "missing member" else None)
    if damage == "md5":
        md5 = "0" * 32
    if damage == "unreachable":
        url = (tmp_path / "absent.tar.gz").as_uri()
    with pytest.raises(CifarDataError, match=match):
        fetch_test_set(tmp_path / "data", url=url, md5=md5)
    assert not (tmp_path / "data").exists()


def step(root: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(STEP)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ROOT": str(root), "VENV": sys.prefix,
                               "DEV": "0", **env})


def test_the_setup_step_never_fails_and_says_what_happened(tmp_path) -> None:
    root = tmp_path / "source"  # Gradescope's autograder folder, with the engine on PYTHONPATH
    root.mkdir()
    env = {"PYTHONPATH": str(REPO), "AUTOGRADER_CIFAR_URL": (tmp_path / "absent.tar.gz").as_uri()}
    failed = step(root, **env)
    assert failed.returncode == 0 and "WARNING: no CIFAR-10 test set" in failed.stdout
    assert "could not download" in failed.stderr and not (root / "data").exists()
    skipped = step(root, **env, DEV="1")
    assert skipped.returncode == 0 and "not fetched" in skipped.stdout
    (root / "data" / BATCHES_FOLDER).mkdir(parents=True)
    (root / "data" / BATCHES_FOLDER / "test_batch").write_bytes(b"bundled")
    bundled = step(root, **env)
    assert bundled.returncode == 0 and "test set in place" in bundled.stdout
