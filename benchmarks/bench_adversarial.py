"""Throughput of the grader's clean + one-step FGSM evaluation against torchattacks' FGSM.

Both sides score the same images with the same All-CNN: clean accuracy and accuracy on the FGSM
images at eps = 8/255 (clipped to [0, 1]). The torchattacks side is the usual recipe: a clean
pass under `torch.no_grad()`, `torchattacks.FGSM(model, eps)(x, y)`, then a pass on the attacked
images. The grader's side is `autograder.deeplearning.adversarial.evaluate` (one forward serves the clean
predictions and the gradient; the backward stops at the input). On CUDA it also times the full
test set in float32 and with bf16 autocast + channels_last, and reports how far the fast path's
accuracies are from float32's. Numbers are printed, never asserted.

    pip install --no-deps torchattacks   # plus scipy, which torchattacks imports
    python benchmarks/bench_adversarial.py --data .data/fashion --checkpoint selftests/data/fashion_allcnn.pt
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from autograder.deeplearning.adversarial import DEFAULT_BATCH, EPS_8_OF_255, evaluate, pick_device  # noqa: E402
from autograder.deeplearning.allcnn import CIFAR10_MEAN, CIFAR10_STD, build_allcnn  # noqa: E402
from autograder.deeplearning.checkpoint import load_into_allcnn, read_checkpoint  # noqa: E402
from autograder.deeplearning.cifar import CifarDataError, load_test_set  # noqa: E402


def load_model(checkpoint: Path | None) -> torch.nn.Module:
    """The trusted benchmark checkpoint (read in-process: never do this with a student's file)."""
    if checkpoint is None:
        return build_allcnn(0, CIFAR10_MEAN, CIFAR10_STD)
    return load_into_allcnn(read_checkpoint(checkpoint, max_bytes=100_000_000))


def load_images(data: Path | None, count: int, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    if data is not None:
        try:
            split = load_test_set(data, count)
            return split.images, split.labels, split.description
        except CifarDataError as error:
            print(f"no data at {data} ({error}); using random images", file=sys.stderr)
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, size=(count, 3, 32, 32), dtype=np.uint8),
            rng.integers(0, 10, size=count), "random images")


def torchattacks_evaluation(model: torch.nn.Module, images: np.ndarray, labels: np.ndarray,
                            eps: float, device: torch.device, batch_size: int,
                            channels_last: bool = False) -> tuple[int, int]:
    """Clean pass, torchattacks FGSM, attacked pass: (clean correct, adversarial correct)."""
    import torchattacks

    layout = torch.channels_last if channels_last else torch.contiguous_format
    model.to(memory_format=layout)
    attack = torchattacks.FGSM(model, eps=eps)
    clean = adversarial = 0
    for start in range(0, len(labels), batch_size):
        x = torch.from_numpy(images[start:start + batch_size]).to(device).float().div_(255)
        x = x.contiguous(memory_format=layout)
        y = torch.from_numpy(labels[start:start + batch_size]).to(device)
        with torch.no_grad():
            clean += int((model(x).argmax(1) == y).sum())
        x_adv = attack(x, y)
        with torch.no_grad():
            adversarial += int((model(x_adv).argmax(1) == y).sum())
    model.to(memory_format=torch.contiguous_format)
    return clean, adversarial


def timed_alternately(runs: dict[str, Callable[[slice], tuple[int, int]]], count: int, chunk: int,
                      device: torch.device, repeats: int) -> dict[str, tuple[float, float, tuple[int, int]]]:
    """Per method: (wall seconds, CPU seconds of this process, (clean, adversarial) correct).

    The methods take turns on each chunk of images, so that changes in the load of a shared
    machine hit all of them alike; times are the median over `repeats` passes over all images
    (after one warm-up chunk); CPU time also discounts other processes' load.
    """
    for run in runs.values():
        run(slice(0, min(chunk, count)))
    passes = {name: [] for name in runs}
    results: dict[str, tuple[int, int]] = {}
    for _ in range(repeats):
        totals = {name: [0.0, 0.0, 0, 0] for name in runs}
        for start in range(0, count, chunk):
            for name, run in runs.items():
                if device.type == "cuda":
                    torch.cuda.synchronize()
                wall, cpu = time.perf_counter(), time.process_time()
                clean, adversarial = run(slice(start, start + chunk))
                if device.type == "cuda":
                    torch.cuda.synchronize()
                total = totals[name]
                total[0] += time.perf_counter() - wall
                total[1] += time.process_time() - cpu
                total[2] += clean
                total[3] += adversarial
        for name, total in totals.items():
            passes[name].append(total[:2])
            results[name] = (total[2], total[3])
    return {name: (float(np.median([p[0] for p in passes[name]])),
                   float(np.median([p[1] for p in passes[name]])), results[name]) for name in runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO / ".data" / "fashion",
                        help="folder with cifar-10-batches-py/ (random images when missing)")
    parser.add_argument("--checkpoint", type=Path, default=None,
                        help="trusted All-CNN checkpoint (default: a seeded All-CNN)")
    parser.add_argument("--images", type=int, default=0,
                        help="images to score (default: 10,000 on CUDA, 500 on CPU)")
    parser.add_argument("--batch-size", type=int, default=0,
                        help=f"for both methods (default: the grader's, {DEFAULT_BATCH})")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-torchattacks", action="store_true")
    args = parser.parse_args(argv)

    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    count = args.images or (10_000 if device.type == "cuda" else 500)
    batch_size = args.batch_size or DEFAULT_BATCH.get(device.type, 100)
    images, labels, source = load_images(args.data, count, seed=0)
    model = load_model(args.checkpoint).to(device).eval()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else \
        f"CPU, {torch.get_num_threads()} threads"
    print(f"device: {name}; torch {torch.__version__}; {len(labels)} images ({source}); "
          f"batch {batch_size}; eps = 8/255; median of {args.repeats} passes, methods alternating")

    def ours(part: slice, precision: str = "float32") -> tuple[int, int]:
        result = evaluate(model, images[part], labels[part], EPS_8_OF_255, device=device,
                          batch_size=batch_size, precision=precision, progress=False)
        return result.clean_correct, result.adversarial_correct

    runs: dict[str, Callable[[slice], tuple[int, int]]] = {"grader, float32": ours}
    if device.type == "cuda":
        runs["grader, bf16 + channels_last"] = lambda part: ours(part, "bf16")
    if not args.no_torchattacks:
        runs["torchattacks FGSM + clean pass"] = lambda part: torchattacks_evaluation(
            model, images[part], labels[part], EPS_8_OF_255, device, batch_size)
        if device.type == "cpu":  # the same, given our memory-format lever too
            runs["torchattacks, channels_last"] = lambda part: torchattacks_evaluation(
                model, images[part], labels[part], EPS_8_OF_255, device, batch_size,
                channels_last=True)
    chunk = len(labels) if device.type == "cuda" else 4 * batch_size
    timings = timed_alternately(runs, len(labels), chunk, device, args.repeats)

    count = len(labels)
    print(f"{'method':32} {'wall s':>8} {'images/s':>9} {'CPU s':>8} {'clean':>8} {'FGSM':>8}")
    for name, (wall, cpu, (clean, adversarial)) in timings.items():
        print(f"{name:32} {wall:8.3f} {count / wall:9.1f} {cpu:8.3f} "
              f"{clean / count:8.2%} {adversarial / count:8.2%}")
    baseline = timings.get("torchattacks FGSM + clean pass")
    for name, (wall, cpu, (clean, adversarial)) in timings.items():
        if baseline is None or name.startswith("torchattacks"):
            continue
        print(f"{name}: {baseline[0] / wall:.2f}x torchattacks' throughput (wall), "
              f"{baseline[1] / cpu:.2f}x (CPU time); accuracies differ by "
              f"{100 * (clean - baseline[2][0]) / count:+.2f} (clean) and "
              f"{100 * (adversarial - baseline[2][1]) / count:+.2f} (FGSM) points")
        if "torchattacks, channels_last" in timings:
            same_layout = timings["torchattacks, channels_last"]
            print(f"{name}: {same_layout[0] / wall:.2f}x (wall), {same_layout[1] / cpu:.2f}x (CPU "
                  "time) the throughput of torchattacks given a channels_last model")
    if device.type == "cuda":
        f32, bf16 = timings["grader, float32"], timings["grader, bf16 + channels_last"]
        print(f"bf16 + channels_last vs float32 on {count} images: {bf16[0]:.3f} s vs {f32[0]:.3f} s; "
              f"clean {100 * (bf16[2][0] - f32[2][0]) / count:+.2f}, "
              f"FGSM {100 * (bf16[2][1] - f32[2][1]) / count:+.2f} points")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
