"""CIFAR-10 in its official Python layout (`cifar-10-batches-py/`), read without any download.

The layout is the one torchvision downloads: pickled batches `data_batch_1..5` and `test_batch`,
each a dict with `data` (N x 3072 uint8, the red plane, then green, then blue, rows of 32 pixels)
and `labels` (N ints in 0..9), plus `batches.meta` with the class names. The files are read with
an unpickler that can build nothing but NumPy arrays, dicts, lists, strings and numbers.

A batch that calls itself CIFAR-10's (`batch_label` as in the official archive) must match the
official MD5, so a truncated or corrupted download is caught; the project's own files in this
layout (synthetic images, Fashion-MNIST) carry another label and are reported as not official.
"""
from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

BATCHES_FOLDER = "cifar-10-batches-py"
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"  # holds BATCHES_FOLDER; not in git
ARCHIVE_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
ARCHIVE_MD5 = "c58f30108f718f92721af3b95e74349a"
ARCHIVE_BYTES = 170_498_071
OFFICIAL_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
    "batches.meta": "5ff9c542aee3614f3951f8cda6e48888",
}
OFFICIAL_LABELS = {
    "test_batch": "testing batch 1 of 1",
    **{f"data_batch_{i}": f"training batch {i} of 5" for i in range(1, 6)},
}
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck")
IMAGE_SHAPE = (3, 32, 32)
MAX_BATCH_BYTES = 200_000_000  # an official batch is about 31 MB


class CifarDataError(Exception):
    """The data cannot be used; the message says what the instructor should do."""


class CifarDataMissing(CifarDataError):
    """No CIFAR-format data where the grader looked."""


@dataclass(frozen=True)
class CifarSplit:
    """Images (N, 3, 32, 32) uint8 and labels (N,) int64, with where they came from."""

    images: np.ndarray
    labels: np.ndarray
    folder: Path
    official: bool  # every file matched the official CIFAR-10 MD5
    description: str  # the batch label(s), e.g. "testing batch 1 of 1"

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def first(self, count: int | None) -> "CifarSplit":
        """The first `count` images (all when `count` is None or 0): a fixed, stated subset."""
        if not count or count >= len(self):
            return self
        return CifarSplit(self.images[:count], self.labels[:count], self.folder, self.official,
                          self.description)


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """Builds NumPy arrays and plain containers; refuses every other global."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"), ("numpy", "dtype"),
        ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
        ("_codecs", "encode"),  # how Python 3's protocol 2 spells bytes
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def _plain_key(key: Any) -> Any:
    return key.decode("latin1") if isinstance(key, bytes) else key


def read_batch_file(path: Path) -> dict[str, Any]:
    """One pickled batch as a dict with str keys (the official files use Python 2 strings)."""
    size = path.stat().st_size
    if size > MAX_BATCH_BYTES:
        raise CifarDataError(f"{path} is {size:,} bytes: too large to be a CIFAR-10 batch")
    raw = path.read_bytes()
    try:
        content = _ArrayOnlyUnpickler(io.BytesIO(raw), encoding="latin1").load()
    except Exception as error:  # any malformed pickle
        raise CifarDataError(f"{path} is not a readable CIFAR-10 batch ({error})") from None
    if not isinstance(content, dict):
        raise CifarDataError(f"{path} is not a CIFAR-10 batch (it holds no dict)")
    content = {_plain_key(k): v for k, v in content.items()}
    content["_md5"] = hashlib.md5(raw).hexdigest()
    return content


def find_batches_folder(data_dir: Path | str) -> Path:
    """The folder holding `test_batch`: `data_dir` itself or its `cifar-10-batches-py/`."""
    data_dir = Path(data_dir)
    for candidate in (data_dir, data_dir / BATCHES_FOLDER):
        if (candidate / "test_batch").is_file():
            return candidate
    raise CifarDataMissing(
        f"no CIFAR-10 test set at {data_dir} (looked for test_batch there and in "
        f"{BATCHES_FOLDER}/). Download {ARCHIVE_URL} ({ARCHIVE_BYTES / 1e6:.0f} MB), unpack it "
        f"so that {BATCHES_FOLDER}/test_batch exists under the data folder, or point the "
        "grader at it with --data.")


def _decode_batch(name: str, content: dict[str, Any], path: Path) -> tuple[np.ndarray, np.ndarray, bool, str]:
    label = content.get("batch_label", "")
    label = _plain_key(label) if isinstance(label, (bytes, str)) else ""
    official = content["_md5"] == OFFICIAL_MD5.get(name)
    if label == OFFICIAL_LABELS.get(name) and not official:
        raise CifarDataError(
            f"{path} says it is CIFAR-10's {name} but its MD5 is {content['_md5']}, not "
            f"{OFFICIAL_MD5[name]}: the download is damaged. Download {ARCHIVE_URL} again.")
    data, labels = content.get("data"), content.get("labels", content.get("fine_labels"))
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 \
            or data.shape[1] != int(np.prod(IMAGE_SHAPE)):
        raise CifarDataError(f"{path}: 'data' must be an N x 3072 uint8 array")
    labels = np.asarray(labels if labels is not None else [], dtype=np.int64)
    if labels.shape != (data.shape[0],) or labels.size == 0 or labels.min() < 0 \
            or labels.max() >= len(CLASS_NAMES):
        raise CifarDataError(f"{path}: 'labels' must hold one class in 0..9 per image")
    return data.reshape((-1,) + IMAGE_SHAPE), labels, official, label


def load_split(data_dir: Path | str, names: Sequence[str], limit: int | None = None) -> CifarSplit:
    """The named batches of the folder, concatenated, cut to the first `limit` images."""
    folder = find_batches_folder(data_dir)
    images, labels, official, descriptions = [], [], True, []
    for name in names:
        path = folder / name
        if not path.is_file():
            raise CifarDataMissing(f"{path} is missing")
        batch_images, batch_labels, batch_official, label = _decode_batch(
            name, read_batch_file(path), path)
        images.append(batch_images)
        labels.append(batch_labels)
        official = official and batch_official
        descriptions.append(label or name)
        if limit and sum(len(x) for x in labels) >= limit:
            break
    split = CifarSplit(np.concatenate(images), np.concatenate(labels), folder, official,
                       "; ".join(dict.fromkeys(descriptions)))
    return split.first(limit)


def load_test_set(data_dir: Path | str, limit: int | None = None) -> CifarSplit:
    """The test batch (10,000 images for CIFAR-10), or its first `limit` images."""
    return load_split(data_dir, ["test_batch"], limit)


def load_train_set(data_dir: Path | str, limit: int | None = None) -> CifarSplit:
    """The five training batches (50,000 images for CIFAR-10), or the first `limit` images."""
    return load_split(data_dir, TRAIN_BATCHES, limit)


def write_batch(path: Path, images: np.ndarray, labels: Sequence[int], batch_label: str) -> None:
    """Write one batch in the official layout (pickle protocol 4: bytes stored as they are)."""
    images = np.ascontiguousarray(images, dtype=np.uint8)
    if images.ndim != 4 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"images must be (N, 3, 32, 32), got {images.shape}")
    if batch_label in OFFICIAL_LABELS.values():
        raise ValueError("use a batch_label of your own: the official ones promise the official MD5")
    content = {
        "batch_label": batch_label,
        "labels": [int(v) for v in labels],
        "data": images.reshape(len(images), -1),
        "filenames": [f"image_{i:05d}.png" for i in range(len(images))],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pickle.dump(content, handle, protocol=4)


def write_meta(folder: Path, label_names: Sequence[str], per_batch: int) -> None:
    """`batches.meta` with the class names (torchvision reads `label_names` from it)."""
    content = {"label_names": list(label_names), "num_cases_per_batch": per_batch,
               "num_vis": int(np.prod(IMAGE_SHAPE))}
    with open(folder / "batches.meta", "wb") as handle:
        pickle.dump(content, handle, protocol=4)


def as_float_images(images: np.ndarray) -> "np.ndarray":
    """uint8 images to float32 in [0, 1] (the scale every graded function works in)."""
    return images.astype(np.float32) / np.float32(255.0)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m autograder.deeplearning.cifar [DATA_DIR]`: say whether the grader can use the test set there."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    data_dir = Path(args[0]) if args else DEFAULT_DATA_DIR
    try:
        split = load_test_set(data_dir)
    except CifarDataError as error:
        print(f"not usable: {error}")
        return 1
    kind = "the official CIFAR-10 test set (MD5 checked)" if split.official else \
        f"a CIFAR-format test set that is not CIFAR-10's ({split.description})"
    print(f"{split.folder}/test_batch: {len(split):,} images, {kind}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
