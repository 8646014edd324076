"""Train the course's All-CNN with the homework's recipe and save `allcnn.pt` for part 5.a.

Recipe (problem 5.a): SGD with Nesterov momentum 0.9, weight decay 1e-3, batch 128, learning rate
0.1 for the first 40% of training, 0.01 for the next 40%, 0.001 for the last 20% (40/40/20 of the
homework's 100 epochs; `--epochs` scales all three). After training, the batch-norm running
statistics are re-estimated with dropout off (the model puts dropout before batch norm, so the
statistics gathered during training do not match eval mode; `--no-recalibrate-bn` skips this).

    python reference/train_allcnn.py --data data --epochs 100 --device auto --out allcnn.pt
    python reference/train_allcnn.py --data selftests/data/synthetic --limit 64 --epochs 1 --batch-size 16
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from problem5 import AllCNN, adversarial_accuracy, load_cifar10, save_checkpoint  # noqa: E402

MILESTONES = (0.4, 0.8)  # fractions of training where the learning rate drops tenfold


class Normalize(nn.Module):
    """(x - mean) / std per channel, in front of the network, so that it takes [0, 1] images."""

    def __init__(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("mean", mean.view(1, 3, 1, 1))
        self.register_buffer("std", std.view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def learning_rate(base: float, progress: float) -> float:
    """0.1 / 0.01 / 0.001 (for base 0.1) over 40% / 40% / 20% of the steps."""
    return base * 0.1 ** sum(progress >= m for m in MILESTONES)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def random_flip(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Mirror a random half of the batch left to right (the homework's optional augmentation)."""
    flip = torch.rand(len(x), generator=generator) < 0.5
    return torch.where(flip.view(-1, 1, 1, 1).to(x.device), x.flip(3), x)


@torch.no_grad()
def recalibrate_batchnorm(model: nn.Module, images: torch.Tensor, batch_size: int) -> None:
    """Running statistics from `images` with dropout off (plain average over the batches)."""
    batchnorms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    model.eval()
    for bn in batchnorms:
        bn.reset_running_stats()
        bn.momentum = None
        bn.train()
    for start in range(0, len(images), batch_size):
        model(images[start:start + batch_size])
    for bn in batchnorms:
        bn.momentum = 0.1
    model.eval()


def train(args: argparse.Namespace) -> None:
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    x_train, y_train = load_cifar10(args.data, train=True, limit=args.limit)
    x_test, y_test = load_cifar10(args.data, train=False, limit=args.eval_limit or None)
    network = AllCNN()
    mean = std = None
    if args.normalize:
        mean, std = x_train.mean(dim=(0, 2, 3)), x_train.std(dim=(0, 2, 3))
        model: nn.Module = nn.Sequential(Normalize(mean, std), network)
    else:
        model = network
    model.to(device)
    x_train, y_train = x_train.to(device), y_train.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True,
                                weight_decay=1e-3)
    steps_per_epoch = -(-len(x_train) // args.batch_size)
    total_steps = max(1, round(args.epochs * steps_per_epoch))
    generator = torch.Generator().manual_seed(args.seed)
    print(f"training on {len(x_train)} images, {total_steps} steps of {args.batch_size} "
          f"({args.epochs:g} epochs) on {device}", flush=True)
    step, started = 0, time.perf_counter()
    while step < total_steps:
        order = torch.randperm(len(x_train), generator=generator).to(device)
        model.train()
        seen = correct = 0
        loss_sum = 0.0
        for start in range(0, len(x_train), args.batch_size):
            if step >= total_steps:
                break
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(args.lr, step / total_steps)
            index = order[start:start + args.batch_size]
            x, y = x_train[index], y_train[index]
            if args.flip:
                x = random_flip(x, generator)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            seen += len(y)
            correct += int((logits.argmax(1) == y).sum())
            loss_sum += float(loss.detach()) * len(y)
        elapsed = time.perf_counter() - started
        print(f"step {step}/{total_steps}  lr {optimizer.param_groups[0]['lr']:g}  "
              f"train loss {loss_sum / max(seen, 1):.4f}  train acc {correct / max(seen, 1):.4f}  "
              f"{step * args.batch_size / elapsed:.1f} images/s", flush=True)

    model.eval()
    x_test = x_test.to(device)
    y_test = y_test.to(device)
    clean, _ = adversarial_accuracy(model, x_test, y_test, 0.0, batch_size=200)
    print(f"test accuracy in eval mode, running statistics from training: {clean:.4f}", flush=True)
    if args.recalibrate_bn:
        recalibrate_batchnorm(model, x_train[:args.recalibrate_images], args.batch_size)
    clean, adversarial = adversarial_accuracy(model, x_test, y_test, args.eps, batch_size=200)
    print(f"test accuracy on {len(x_test)} images: clean {clean:.4f}, "
          f"one-step FGSM at eps={args.eps:.5f}: {adversarial:.4f}", flush=True)
    save_checkpoint(network, args.out, mean=mean.tolist() if mean is not None else None,
                    std=std.tolist() if std is not None else None)
    print(f"saved {args.out}", flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="folder holding cifar-10-batches-py/ (or that folder itself)")
    parser.add_argument("--epochs", type=float, default=100.0)
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N images")
    parser.add_argument("--eval-limit", type=int, default=0, help="test on the first N images")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--normalize", action="store_true",
                        help="normalize inputs by the training set's channel mean/std and save "
                             "them in the checkpoint")
    parser.add_argument("--flip", action="store_true", help="random horizontal flips")
    parser.add_argument("--no-recalibrate-bn", dest="recalibrate_bn", action="store_false")
    parser.add_argument("--recalibrate-images", type=int, default=5000)
    parser.add_argument("--eps", type=float, default=8 / 255)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("allcnn.pt"))
    return parser.parse_args(argv)


if __name__ == "__main__":
    train(parse_args())
