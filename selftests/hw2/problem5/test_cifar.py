"""CIFAR-10's layout: written and read back, the MD5 rule for official files, missing data, safe
unpickling, and the Fashion-MNIST / synthetic conversions of scripts/make_cifar_format.py."""
from __future__ import annotations

import gzip
import os
import pickle
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.deeplearning.cifar import (
    BATCHES_FOLDER, CifarDataError, CifarDataMissing, find_batches_folder, load_test_set,
    load_train_set, read_batch_file, write_batch,
)

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "make_cifar_format.py"
FASHION_FIXTURE = REPO / "selftests" / "data" / "fashion_small"


def images(count: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(count, 3, 32, 32), dtype=np.uint8)


def test_round_trip_in_either_folder(tmp_path) -> None:
    folder = tmp_path / BATCHES_FOLDER
    pictures, labels = images(7), [3, 1, 4, 1, 5, 9, 2]
    write_batch(folder / "test_batch", pictures, labels, "unit test batch")
    for where in (tmp_path, folder):
        split = load_test_set(where)
        assert np.array_equal(split.images, pictures) and split.labels.tolist() == labels
        assert not split.official and split.description == "unit test batch"
    assert len(load_test_set(tmp_path, limit=3)) == 3
    assert np.array_equal(load_test_set(tmp_path, limit=3).images, pictures[:3])


def test_channel_planes_follow_cifar(tmp_path) -> None:
    """Row i of `data` is the red plane, then green, then blue, each 32 rows of 32 pixels."""
    picture = np.zeros((1, 3, 32, 32), dtype=np.uint8)
    picture[0, 1, 2, 3] = 200  # green, row 2, column 3
    write_batch(tmp_path / "test_batch", picture, [0], "one pixel")
    raw = read_batch_file(tmp_path / "test_batch")["data"]
    assert raw.shape == (1, 3072) and raw[0, 1024 + 2 * 32 + 3] == 200


def test_official_label_needs_the_official_md5(tmp_path) -> None:
    """A damaged download of the real test batch is refused, not graded."""
    content = {b"batch_label": b"testing batch 1 of 1", b"labels": [0, 1],
               b"data": images(2).reshape(2, -1), b"filenames": [b"a.png", b"b.png"]}
    (tmp_path / "test_batch").write_bytes(pickle.dumps(content, protocol=2))
    with pytest.raises(CifarDataError, match="MD5"):
        load_test_set(tmp_path)


def test_missing_data_says_what_to_do(tmp_path) -> None:
    with pytest.raises(CifarDataMissing, match="cifar-10-python.tar.gz"):
        find_batches_folder(tmp_path)
    write_batch(tmp_path / "test_batch", images(2), [0, 1], "only a test batch")
    with pytest.raises(CifarDataMissing, match="data_batch_1"):
        load_train_set(tmp_path)


def test_malformed_batches(tmp_path) -> None:
    (tmp_path / "test_batch").write_bytes(pickle.dumps({"data": np.zeros((2, 5), np.uint8),
                                                       "labels": [0, 1]}))
    with pytest.raises(CifarDataError, match="3072"):
        load_test_set(tmp_path)
    (tmp_path / "test_batch").write_bytes(pickle.dumps({"data": images(2).reshape(2, -1),
                                                       "labels": [0, 10]}))
    with pytest.raises(CifarDataError, match="labels"):
        load_test_set(tmp_path)


class RunsCode:
    def __reduce__(self):
        return (os.system, ("touch pickle-code-ran",))


def test_unpickler_builds_nothing_but_arrays(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "test_batch").write_bytes(pickle.dumps({"data": RunsCode(), "labels": [0]}))
    with pytest.raises(CifarDataError, match="refusing"):
        load_test_set(tmp_path)
    assert not (tmp_path / "pickle-code-ran").exists()


def write_idx(path: Path, array: np.ndarray) -> None:
    header = struct.pack(">II", 2051 if array.ndim == 3 else 2049, len(array))
    if array.ndim == 3:
        header += struct.pack(">II", *array.shape[1:])
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def test_fashion_conversion_pads_and_repeats(tmp_path) -> None:
    source = tmp_path / "fashion"
    source.mkdir()
    rng = np.random.default_rng(1)
    for prefix, count in (("train", 12), ("t10k", 6)):
        write_idx(source / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (count, 28, 28)))
        write_idx(source / f"{prefix}-labels-idx1-ubyte.gz", rng.integers(0, 10, count))
    subprocess.run([sys.executable, str(SCRIPT), "fashion", "--out", str(tmp_path / "out"),
                    "--fashion-dir", str(source)], check=True, capture_output=True)
    test = load_test_set(tmp_path / "out")
    train = load_train_set(tmp_path / "out")
    assert len(test) == 6 and len(train) == 12
    assert (test.images[:, :, :2, :] == 0).all() and (test.images[:, :, :, -2:] == 0).all()
    assert (test.images[:, 0] == test.images[:, 2]).all()
    with gzip.open(source / "t10k-images-idx3-ubyte.gz") as handle:
        original = np.frombuffer(handle.read(), np.uint8, offset=16).reshape(6, 28, 28)
    assert np.array_equal(test.images[:, 1, 2:30, 2:30], original)


def test_synthetic_data_is_learnable_in_layout(tmp_path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "synthetic", "--out", str(tmp_path),
                    "--train", "50", "--test", "20"], check=True, capture_output=True)
    assert len(load_train_set(tmp_path)) == 50 and len(load_test_set(tmp_path)) == 20
    assert len(set(load_train_set(tmp_path).labels.tolist())) > 5


def test_committed_fashion_fixture() -> None:
    split = load_test_set(FASHION_FIXTURE)
    assert len(split) == 500 and split.images.shape == (500, 3, 32, 32)
    assert not split.official and "Fashion-MNIST" in split.description
    assert np.bincount(split.labels, minlength=10).min() > 20
