"""Remake selftests/data/fashion_allcnn.pt: the All-CNN that the problem 5 self-tests grade.

It is the course's All-CNN trained with the reference recipe (reference/train_allcnn.py), scaled
down to run on a laptop CPU: 10,000 Fashion-MNIST training images in CIFAR-10's layout, 4 epochs
(the 40/40/20 learning-rate schedule over them), inputs normalized (mean/std saved in the
checkpoint), random flips, batch-norm statistics re-estimated with dropout off at the end.

    apt-get install dataset-fashion-mnist
    python scripts/train_fashion_checkpoint.py            # about 20 minutes on 2 idle cores

The data go to .data/fashion (ignored by git); the log ends with the clean and one-step FGSM
(eps = 8/255) accuracies on 2,000 test images.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".data" / "fashion"
OUTPUT = REPO / "selftests" / "data" / "fashion_allcnn.pt"
TRAINING_FLAGS = ["--limit", "10000", "--epochs", "4", "--eval-limit", "2000",
                  "--recalibrate-images", "2000", "--normalize", "--flip", "--seed", "0"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", default="2")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not (DATA / "cifar-10-batches-py" / "test_batch").is_file():
        subprocess.run([sys.executable, str(REPO / "scripts" / "make_cifar_format.py"), "fashion",
                        "--out", str(DATA)], check=True)
    trained = REPO / ".data" / "fashion_allcnn.pt"
    subprocess.run([sys.executable, str(REPO / "reference" / "hw2" / "train_allcnn.py"), "--data", str(DATA),
                    *TRAINING_FLAGS, "--threads", args.threads, "--device", args.device,
                    "--out", str(trained)], check=True)
    shutil.copyfile(trained, args.out)
    print(f"copied to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
