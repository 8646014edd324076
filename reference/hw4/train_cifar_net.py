"""Train the tutorial's `Net` with the course's recipe and save `cifar_net.pt` for part 2.4.

Recipe (the notebook's): inputs normalized with Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)), i.e.
x -> 2x - 1, cross-entropy, SGD with learning rate 0.001 and momentum 0.9, batch size 4,
reshuffled every epoch; the 003 student reports 58-64% on the CIFAR-10 test set after 5-20
epochs at batch size 4 or 16. Each epoch runs the graded `train_epoch` and ends with the graded
`evaluate` on the test images, so this script also exercises the reference end to end.

    python reference/hw4/train_cifar_net.py --data data --epochs 5 --out cifar_net.pt

The self-tests' checkpoint, selftests/data/fashion_cifar_net.pt, is this recipe scaled down to
about 2 minutes on 2 CPU cores, on Fashion-MNIST in CIFAR-10's layout (Debian's
`dataset-fashion-mnist`, converted by scripts/make_cifar_format.py; the data stay in .data/fashion,
ignored by git):

    apt-get install dataset-fashion-mnist
    python scripts/make_cifar_format.py fashion --out .data/fashion
    python reference/hw4/train_cifar_net.py --data .data/fashion --limit 20000 --epochs 2 \\
        --batch-size 16 --lr 0.01 --eval-limit 2000 --threads 2 --out selftests/data/fashion_cifar_net.pt
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parent))
from problem2 import (
    Net,
    evaluate,
    load_cifar10,
    normalize,
    save_checkpoint,
    train_epoch,
)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def train(args: argparse.Namespace) -> float:
    """Train, report, save; returns the final test accuracy (a fraction)."""
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    x_train, y_train = load_cifar10(args.data, train=True, limit=args.limit)
    x_test, y_test = load_cifar10(args.data, train=False, limit=args.eval_limit or None)
    x_train, x_test = normalize(x_train).to(device), normalize(x_test).to(device)
    y_train, y_test = y_train.to(device), y_test.to(device)
    generator = torch.Generator().manual_seed(args.seed)
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size,
                              shuffle=True, generator=generator)
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=1000)
    net = Net().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
    print(f"training Net ({sum(p.numel() for p in net.parameters()):,} parameters) on "
          f"{len(x_train):,} images, {args.epochs} epochs of batch {args.batch_size}, lr {args.lr:g}, "
          f"on {device}", flush=True)
    started = time.perf_counter()
    accuracy = 0.0
    for epoch in range(1, args.epochs + 1):
        net.train()
        loss = train_epoch(net, train_loader, optimizer, criterion)
        accuracy = evaluate(net, test_loader)
        elapsed = time.perf_counter() - started
        print(f"epoch {epoch}/{args.epochs}  mean loss {loss:.4f}  test accuracy {accuracy:.4f} "
              f"on {len(x_test):,} images  ({elapsed:.0f} s)", flush=True)
    save_checkpoint(net, args.out)
    print(f"saved {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB)", flush=True)
    return accuracy


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="folder holding cifar-10-batches-py/ (or that folder itself)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N images")
    parser.add_argument("--eval-limit", type=int, default=0, help="test on the first N images")
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("cifar_net.pt"))
    return parser.parse_args(argv)


if __name__ == "__main__":
    train(parse_args())
