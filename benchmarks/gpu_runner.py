"""The GPU runner, measured: regrade >= 100 HW2 checkpoints on the GPU, some again on the CPU.

Each submission is the reference's `problem5.py` with an `allcnn.pt`: the trusted self-test
checkpoint `selftests/data/fashion_allcnn.pt` (an All-CNN trained on Fashion-MNIST in CIFAR-10's
layout) with its weights perturbed by seeded noise of growing size, so that the class spans every
accuracy from the trained model's down to chance. Without `--data`, the test set is 10,000 images
in CIFAR-10's layout made from the 500 Fashion-MNIST images of `selftests/data/fashion_small`
(shifted, flipped and brightened copies), since the GPU machine has no network.

`regrade --only problem5 --device cuda` scores 5.a on all the images, clean and one-step FGSM
(float32, TF32 off), with one GPU given to each grading process; `--device cpu` regrades the first
`--cpu-count` submissions (clean accuracy on all the images, FGSM on the first 1,000, as Gradescope
does). It prints each checkpoint's seconds, accuracies and 5.a points on both, the totals, and the
CPU/GPU agreement against the stated tolerance: the same clean accuracy within 0.1 percentage
point (10 images of 10,000) and the same points within 0.05. Numbers are printed, never asserted.

    benchmarks/gpu_runner.sh                      # on the GPU machine: 100 checkpoints
    .venv/bin/python benchmarks/gpu_runner.py --device cpu --count 3 --cpu-count 2 --images 600
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from autograder.deeplearning.cifar import load_test_set, write_batch, write_meta  # noqa: E402

CHECKPOINT = REPO / "selftests" / "data" / "fashion_allcnn.pt"
SMALL_SET = REPO / "selftests" / "data" / "fashion_small"
CLEAN_TOLERANCE = 0.1     # percentage points of clean accuracy: 10 images of 10,000
POINTS_TOLERANCE = 0.05
PART = "5.a"


def make_test_set(folder: Path, count: int) -> Path:
    """`count` images in CIFAR-10's layout from the 500 small Fashion-MNIST ones: each copy is
    shifted by up to 2 pixels, maybe flipped, and brightened or darkened (seeded)."""
    small = load_test_set(SMALL_SET)
    images = small.images  # uint8
    rng = np.random.default_rng(546)
    chosen = rng.integers(0, len(images), size=count)
    out = np.empty((count, 3, 32, 32), dtype=np.uint8)
    for index, source in enumerate(chosen):
        image = np.roll(images[source], tuple(rng.integers(-2, 3, size=2)), axis=(1, 2))
        if rng.random() < 0.5:
            image = image[:, :, ::-1]
        out[index] = np.clip(image.astype(np.float32) * rng.uniform(0.8, 1.2), 0, 255).astype(np.uint8)
    batches = folder / "cifar-10-batches-py"
    batches.mkdir(parents=True, exist_ok=True)
    write_batch(batches / "test_batch", out, [int(small.labels[s]) for s in chosen], "gpu runner test set")
    write_meta(batches, [f"class {k}" for k in range(10)], count)
    return folder


def make_class(root: Path, count: int) -> list[str]:
    """`count` submissions: the reference's problem5.py and a perturbed copy of the checkpoint."""
    base = torch.load(CHECKPOINT, weights_only=True)  # the project's own file, never a student's
    names = []
    for index in range(count):
        folder = root / f"ckpt{index:03d}"
        folder.mkdir(parents=True)
        shutil.copy(REPO / "reference" / "hw2" / "problem5.py", folder / "problem5.py")
        generator = torch.Generator().manual_seed(index)
        scale = 1.5 * index / max(1, count - 1)  # noise / the tensor's own spread: 0 .. 1.5
        state = {}
        for key, tensor in base["state_dict"].items():
            if tensor.is_floating_point() and "running" not in key and tensor.numel() > 1:
                noise = torch.randn(tensor.shape, generator=generator) * tensor.std() * scale
                tensor = tensor + noise
            state[key] = tensor.clone()
        torch.save({"state_dict": state, "mean": base["mean"], "std": base["std"]}, folder / "allcnn.pt")
        names.append(folder.name)
    return names


def regrade(source: Path, out: Path, device: str, data: Path, jobs: int | None) -> float:
    shutil.rmtree(out, ignore_errors=True)  # nothing of an earlier run in the same --work
    if not any(source.iterdir()):
        out.mkdir()
        (out / "gradings.log").write_text("")
        return 0.0
    command = [sys.executable, "-m", "autograder", "regrade", str(source), "--out", str(out),
               "--only", "problem5", "--device", device, "--data", str(data), "--force", "--quiet"]
    if jobs:
        command += ["--jobs", str(jobs)]
    started = time.monotonic()
    completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        print(completed.stdout[-3000:], completed.stderr[-3000:], sep="\n", file=sys.stderr)
    return seconds


def outcomes(out: Path) -> dict[str, dict]:
    """Per submission: seconds, 5.a points, and the leaderboard's clean and FGSM accuracies (%)."""
    seconds = {}
    for line in (out / "gradings.log").read_text().splitlines():
        entry = json.loads(line)
        seconds[entry["id"]] = entry["seconds"]
    found = {}
    for identifier, spent in seconds.items():
        document = json.loads((out / identifier / "results.json").read_text())
        points = sum(t["score"] for t in document["tests"] if t.get("number") == PART)
        board = {entry["name"]: entry["value"] for entry in document.get("leaderboard", [])}
        clean = next((v for k, v in board.items() if "clean" in k.lower()), None)
        fgsm = next((v for k, v in board.items() if "fgsm" in k.lower()), None)
        found[identifier] = {"seconds": spent, "points": points, "clean": clean, "fgsm": fgsm}
    return found


def _percent(value: object) -> str:
    """A leaderboard accuracy (in %)."""
    return f"{float(value):6.2f}%" if isinstance(value, (int, float)) else f"{str(value):>7}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="checkpoints graded on the GPU")
    parser.add_argument("--cpu-count", type=int, default=8, help="of them, regraded on the CPU")
    parser.add_argument("--images", type=int, default=10_000, help="test images made without --data")
    parser.add_argument("--data", type=Path, default=None, help="a CIFAR-10 folder to score on instead")
    parser.add_argument("--device", default="cuda", help="cuda (the runner); cpu to try the script")
    parser.add_argument("--jobs", type=int, default=None, help="grading processes (default: regrade's)")
    parser.add_argument("--work", type=Path, default=None, help="keep the class and outputs here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="gpu-runner-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o700)  # as root, a class other users can read is refused
    print(f"torch {torch.__version__}, CUDA {'available: ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'not available'}; "
          f"{os.cpu_count()} CPUs", flush=True)
    started = time.monotonic()
    data = args.data or make_test_set(work / "data", args.images)
    shutil.rmtree(work / "class", ignore_errors=True)
    names = make_class(work / "class", args.count)
    cpu_class = work / "cpu-class"
    shutil.rmtree(cpu_class, ignore_errors=True)
    cpu_class.mkdir()
    for name in names[:args.cpu_count]:
        shutil.copytree(work / "class" / name, cpu_class / name)
    print(f"{len(names)} checkpoints and {len(load_test_set(data))} test images ready in "
          f"{time.monotonic() - started:.1f} s ({work})", flush=True)
    gpu_seconds = regrade(work / "class", work / "out-device", args.device, data, args.jobs)
    cpu_seconds = regrade(cpu_class, work / "out-cpu", "cpu", data, args.jobs)
    on_device, on_cpu = outcomes(work / "out-device"), outcomes(work / "out-cpu")
    print(f"\n{'checkpoint':<10} {args.device + ' s':>8} {'clean':>7} {'FGSM':>7} {PART + ' pts':>8}   "
          f"{'cpu s':>6} {'clean':>7} {'FGSM':>7} {PART + ' pts':>8}")
    worst_clean = worst_points = 0.0
    for name in names:
        row = on_device.get(name, {})
        line = (f"{name:<10} {row.get('seconds', float('nan')):8.2f} {_percent(row.get('clean'))} "
                f"{_percent(row.get('fgsm'))} {row.get('points', float('nan')):8.3f}")
        if name in on_cpu:
            other = on_cpu[name]
            line += (f"   {other['seconds']:6.1f} {_percent(other['clean'])} {_percent(other['fgsm'])} "
                     f"{other['points']:8.3f}")
            if isinstance(row.get("clean"), (int, float)) and isinstance(other["clean"], (int, float)):
                worst_clean = max(worst_clean, abs(row["clean"] - other["clean"]))
            worst_points = max(worst_points, abs(row.get("points", 0.0) - other["points"]))
        print(line)
    graded = len(on_device)
    print(f"\n{args.device}: {graded} checkpoints regraded in {gpu_seconds:.1f} s "
          f"({gpu_seconds / max(graded, 1):.2f} s each, {graded / max(gpu_seconds, 1e-9) * 60:.1f} per minute)")
    print(f"cpu: {len(on_cpu)} checkpoints regraded in {cpu_seconds:.1f} s "
          f"({cpu_seconds / max(len(on_cpu), 1):.2f} s each)")
    agree = worst_clean <= CLEAN_TOLERANCE and worst_points <= POINTS_TOLERANCE
    if not on_cpu:
        print("no checkpoint regraded on the CPU (--cpu-count 0): no agreement measured")
    else:
        print(f"CPU/{args.device} agreement on {len(on_cpu)} checkpoints: largest clean-accuracy "
              f"difference {worst_clean:.2f} percentage points (tolerance {CLEAN_TOLERANCE}), largest {PART} points "
              f"difference {worst_points:.3f} (tolerance {POINTS_TOLERANCE}): {'yes' if agree else 'NO'}")
    print(f"total {time.monotonic() - started:.1f} s; outputs in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
