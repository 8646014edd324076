"""Make data in CIFAR-10's layout where CIFAR-10 itself cannot be downloaded.

Two sources, both written as `<out>/cifar-10-batches-py/{data_batch_1..5,test_batch,batches.meta}`
(3x32x32 uint8 images, 10 classes), with batch labels that say what they are (never the official
ones, so the grader reports them as not CIFAR-10):

* `fashion`: real images from Debian's `dataset-fashion-mnist` package
  (`apt-get install dataset-fashion-mnist`; files under /usr/share/datasets/fashion-mnist): each
  28x28 grey image padded by 2 pixels to 32x32 and repeated over the 3 colour channels.
* `synthetic`: seeded images whose class decides a colour and a stripe pattern, plus noise; any
  classifier learns them quickly, so they suit smoke tests.

    python scripts/make_cifar_format.py fashion --out .data/fashion
    python scripts/make_cifar_format.py fashion --out selftests/data/fashion_small --train 0 --test 500
    python scripts/make_cifar_format.py synthetic --out /tmp/synthetic --train 500 --test 200
"""
from __future__ import annotations

import argparse
import gzip
import struct
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from autograder.deeplearning.cifar import BATCHES_FOLDER, TRAIN_BATCHES, write_batch, write_meta  # noqa: E402

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
SYNTHETIC_CLASSES = tuple(f"pattern_{i}" for i in range(10))


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (the MNIST format, gzipped): uint8 labels (N,) or images (N, 28, 28)."""
    with gzip.open(path, "rb") as handle:
        raw = handle.read()
    magic, count = struct.unpack(">II", raw[:8])
    if magic == 2049:
        return np.frombuffer(raw, dtype=np.uint8, offset=8, count=count).copy()
    if magic == 2051:
        rows, cols = struct.unpack(">II", raw[8:16])
        data = np.frombuffer(raw, dtype=np.uint8, offset=16, count=count * rows * cols)
        return data.reshape(count, rows, cols).copy()
    raise ValueError(f"{path}: not an IDX file (magic {magic})")


def grey_to_cifar(images: np.ndarray) -> np.ndarray:
    """(N, 28, 28) grey to (N, 3, 32, 32): pad 2 pixels of black each side, repeat 3 channels."""
    padded = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    return np.repeat(padded[:, None], 3, axis=1)


def fashion_split(split: str, source: Path) -> tuple[np.ndarray, np.ndarray]:
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(source / f"{prefix}-images-idx3-ubyte.gz")
    labels = read_idx(source / f"{prefix}-labels-idx1-ubyte.gz")
    return grey_to_cifar(images), labels.astype(np.int64)


def synthetic_images(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Class k: a colour from a fixed palette and stripes at angle 18k degrees, with noise."""
    rng = np.random.default_rng(seed)
    palette = np.random.default_rng(12345).uniform(0.2, 0.8, size=(10, 3))
    labels = rng.integers(0, 10, size=count)
    rows, cols = np.mgrid[0:32, 0:32].astype(np.float64)
    angles = np.deg2rad(18.0 * labels)[:, None, None]
    phase = rng.uniform(0, 2 * np.pi, size=(count, 1, 1))
    stripes = np.sin((np.cos(angles) * cols + np.sin(angles) * rows) * 0.6 + phase)
    colours = palette[labels][:, :, None, None] + 0.1 * rng.standard_normal((count, 3, 1, 1))
    images = colours + 0.2 * stripes[:, None] + 0.1 * rng.standard_normal((count, 3, 32, 32))
    return (np.clip(images, 0, 1) * 255).round().astype(np.uint8), labels


def write_dataset(out: Path, train: tuple[np.ndarray, np.ndarray],
                  test: tuple[np.ndarray, np.ndarray], name: str, classes: tuple[str, ...]) -> Path:
    """Split the training images over 5 batches, as CIFAR-10 does, and write everything
    (no training batches at all when there are no training images)."""
    folder = out / BATCHES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    train_images, train_labels = train
    chunks = np.array_split(np.arange(len(train_labels)), len(TRAIN_BATCHES))
    for index, (batch_name, chunk) in enumerate(zip(TRAIN_BATCHES, chunks), start=1):
        if not len(chunk):
            continue
        write_batch(folder / batch_name, train_images[chunk], train_labels[chunk],
                    f"{name} training batch {index} of {len(TRAIN_BATCHES)}")
    write_batch(folder / "test_batch", test[0], test[1], f"{name} test batch")
    write_meta(folder, classes, max(len(chunk) for chunk in chunks) or len(test[1]))
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", choices=("fashion", "synthetic"))
    parser.add_argument("--out", type=Path, required=True,
                        help=f"parent folder; the files go to OUT/{BATCHES_FOLDER}/")
    parser.add_argument("--train", type=int, default=50_000, help="training images (at most)")
    parser.add_argument("--test", type=int, default=10_000, help="test images (at most)")
    parser.add_argument("--seed", type=int, default=0, help="synthetic: the random seed; "
                        "fashion: the seed of the shuffle that picks a subset")
    parser.add_argument("--fashion-dir", type=Path, default=FASHION_DIR)
    args = parser.parse_args(argv)

    if args.source == "fashion":
        if not (args.fashion_dir / "t10k-images-idx3-ubyte.gz").is_file():
            parser.error(f"no Fashion-MNIST in {args.fashion_dir}: "
                         "apt-get install dataset-fashion-mnist")
        rng = np.random.default_rng(args.seed)
        splits = []
        for split, count in (("train", args.train), ("test", args.test)):
            images, labels = fashion_split(split, args.fashion_dir)
            keep = np.sort(rng.permutation(len(labels))[:count]) if count < len(labels) \
                else np.arange(len(labels))
            splits.append((images[keep], labels[keep]))
        folder = write_dataset(args.out, splits[0], splits[1], "Fashion-MNIST as CIFAR",
                               FASHION_CLASSES)
    else:
        folder = write_dataset(args.out, synthetic_images(args.train, args.seed),
                               synthetic_images(args.test, args.seed + 1),
                               "synthetic CIFAR-format", SYNTHETIC_CLASSES)
    print(f"wrote {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
