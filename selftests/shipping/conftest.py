"""Shared fixtures of the shipping self-tests: one build, one unpacked handout, and a checkpoint
with a CIFAR-format test batch on which it is right on every image (so 5.a can earn its points
without CIFAR-10 or any training)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from autograder.build import BuildReport, build
from autograder.course import find_assignment
from autograder.rehearse import unpack

REPO = Path(__file__).resolve().parents[2]
CHECKPOINT_SEED = 7
CHECKPOINT_IMAGES = 40


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[BuildReport, Path]]:
    """`shipped(name)`: one assignment's build and its handout unpacked as a student would (read
    only, for the tests that only look at them), made once per session."""
    cache: dict[str, tuple[BuildReport, Path]] = {}

    def get(name: str) -> tuple[BuildReport, Path]:
        if name not in cache:
            report = build(REPO, tmp_path_factory.mktemp(f"dist-{name}"), assignment=name)
            destination = tmp_path_factory.mktemp(f"handout-{name}")
            unpack(report.handout_zip, destination)
            cache[name] = report, destination / find_assignment(name).settings.handout_folder
        return cache[name]

    return get


@pytest.fixture(scope="session")
def built(shipped: Callable[[str], tuple[BuildReport, Path]]) -> BuildReport:
    return shipped("hw2")[0]


@pytest.fixture(scope="session")
def handout(shipped: Callable[[str], tuple[BuildReport, Path]]) -> Path:
    return shipped("hw2")[1]


@pytest.fixture(scope="session")
def scored_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(allcnn.pt, data folder): a seeded All-CNN and a test batch labelled with its own
    predictions, kept only where the top two logits are clearly apart."""
    from autograder.deeplearning.allcnn import CIFAR10_MEAN, CIFAR10_STD, build_allcnn, calibration_images
    from autograder.deeplearning.cifar import BATCHES_FOLDER, CLASS_NAMES, write_batch, write_meta

    folder = tmp_path_factory.mktemp("scored")
    model = build_allcnn(CHECKPOINT_SEED, CIFAR10_MEAN, CIFAR10_STD)
    images = (calibration_images(4 * CHECKPOINT_IMAGES, CHECKPOINT_SEED) * 255).round().to(torch.uint8)
    with torch.no_grad():
        logits = model(images.float() / 255)
    top_two = logits.topk(2, dim=1).values
    keep = ((top_two[:, 0] - top_two[:, 1]) > 0.05).nonzero().flatten()[:CHECKPOINT_IMAGES]
    assert len(keep) == CHECKPOINT_IMAGES
    data = folder / "data"
    write_batch(data / BATCHES_FOLDER / "test_batch", images[keep].numpy(),
                logits.argmax(1)[keep].tolist(), "shipping self-test batch")
    write_meta(data / BATCHES_FOLDER, CLASS_NAMES, CHECKPOINT_IMAGES)
    checkpoint = folder / "allcnn.pt"
    torch.save({"state_dict": model.model.state_dict(), "mean": list(CIFAR10_MEAN),
                "std": list(CIFAR10_STD)}, checkpoint)
    return checkpoint, data
