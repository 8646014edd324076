"""The reference training script runs a few steps on small synthetic data and writes a checkpoint
the grader reads; its learning-rate schedule is the homework's 40/40/20."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.deeplearning.checkpoint import load_into_allcnn, read_checkpoint

REPO = Path(__file__).resolve().parents[3]


def training_module():
    spec = importlib.util.spec_from_file_location("train_allcnn", REPO / "reference" / "hw2" / "train_allcnn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("progress, rate", [(0.0, 0.1), (0.39, 0.1), (0.4, 0.01), (0.79, 0.01),
                                            (0.8, 0.001), (0.99, 0.001)])
def test_learning_rate_schedule(progress, rate) -> None:
    assert training_module().learning_rate(0.1, progress) == pytest.approx(rate)


def test_a_few_steps_make_a_gradable_checkpoint(tmp_path) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_cifar_format.py"), "synthetic",
                    "--out", str(tmp_path / "data"), "--train", "40", "--test", "16"],
                   check=True, capture_output=True)
    out = tmp_path / "allcnn.pt"
    completed = subprocess.run(
        [sys.executable, str(REPO / "reference" / "hw2" / "train_allcnn.py"), "--data", str(tmp_path / "data"),
         "--limit", "32", "--epochs", "1", "--batch-size", "16", "--eval-limit", "16",
         "--recalibrate-images", "32", "--normalize", "--flip", "--device", "cpu", "--threads", "1",
         "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "step 2/2" in completed.stdout and "one-step FGSM" in completed.stdout
    data = read_checkpoint(out, max_bytes=50_000_000)
    assert data["mean"] is not None and len(data["std"]) == 3
    model = load_into_allcnn(data)
    assert not model.training
