"""Reading allcnn.pt: every accepted layout loads the same model; every bad file has its own error,
and a pickle that carries code is refused without running it (in-process and through the worker)."""
from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
import torch
from torch import nn

from autograder.deeplearning.allcnn import CIFAR10_MEAN, CIFAR10_STD, AllCNN, build_allcnn, calibration_images
from autograder.deeplearning.checkpoint import (
    ArchitectureMismatch, BadNormalization, CheckpointNotFound, CheckpointTooLarge, NonFiniteWeights,
    NotACheckpoint, PickleNeedsCode, load_into_allcnn, read_checkpoint,
)
from autograder.checks import CheckFailed
from autograder.boundary.student import Student
from autograder.boundary.submission import find_submission
from selftests.grading import HW2_FILES

LIMIT = 50_000_000
MARKER_NAME = "pickle-code-ran"


@pytest.fixture(scope="module")
def trained_like() -> nn.Module:
    return build_allcnn(11)


@pytest.fixture(scope="module")
def images() -> torch.Tensor:
    return calibration_images(3, seed=8)


def logits(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(x)


def write_safetensors(path: Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str]) -> None:
    header: dict = {"__metadata__": metadata}
    blobs, offset = [], 0
    codes = {torch.float32: "F32", torch.int64: "I64"}
    for name, tensor in tensors.items():
        blob = tensor.contiguous().numpy().tobytes()
        header[name] = {"dtype": codes[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


LAYOUTS = {
    "bare": lambda sd: sd,
    "state_dict": lambda sd: {"state_dict": sd, "epoch": 100},
    "model_state_dict": lambda sd: {"model_state_dict": sd, "optimizer_state_dict": {"lr": 0.1}},
    "model": lambda sd: {"model": sd},
    "data_parallel": lambda sd: {"state_dict": {f"module.{k}": v for k, v in sd.items()}},
    "compiled_data_parallel": lambda sd: {f"_orig_mod.module.{k}": v for k, v in sd.items()},
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_accepted_layouts_load_the_same_model(layout, trained_like, images, tmp_path) -> None:
    path = tmp_path / "allcnn.pt"
    torch.save(LAYOUTS[layout](trained_like.state_dict()), path)
    data = read_checkpoint(path, max_bytes=LIMIT)
    assert data["mean"] is None and data["std"] is None
    assert torch.equal(logits(load_into_allcnn(data), images), logits(trained_like, images))


@pytest.mark.parametrize("as_tensor", [False, True])
def test_mean_and_std_are_applied(as_tensor, trained_like, images, tmp_path) -> None:
    """A DataParallel checkpoint with mean/std scores like the bare model behind that normalization."""
    mean, std = CIFAR10_MEAN, CIFAR10_STD
    stored = (torch.tensor(mean), torch.tensor(std)) if as_tensor else (list(mean), list(std))
    path = tmp_path / "allcnn.pt"
    state = {f"module.{k}": v for k, v in trained_like.state_dict().items()}
    torch.save({"state_dict": state, "mean": stored[0], "std": stored[1]}, path)
    data = read_checkpoint(path, max_bytes=LIMIT)
    assert data["mean"] == pytest.approx(list(mean)) and data["std"] == pytest.approx(list(std))
    normalized = (images - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)
    assert torch.allclose(logits(load_into_allcnn(data), images), logits(trained_like, normalized),
                          atol=1e-5)


def test_template_save_checkpoint_round_trips(trained_like, images, tmp_path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "template_problem5", Path(__file__).resolve().parents[3] / "student_template" / "hw2" / "problem5.py")
    template = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(template)
    network = template.AllCNN()
    network.load_state_dict(trained_like.state_dict())
    path = tmp_path / "allcnn.pt"
    template.save_checkpoint(nn.DataParallel(network), path, mean=CIFAR10_MEAN, std=CIFAR10_STD)
    assert set(torch.load(path, weights_only=True)) == {"state_dict", "mean", "std"}
    data = read_checkpoint(path, max_bytes=LIMIT)
    assert data["mean"] == pytest.approx(list(CIFAR10_MEAN))


def test_safetensors_and_half_precision(trained_like, images, tmp_path) -> None:
    path = tmp_path / "allcnn.pt"
    write_safetensors(path, trained_like.state_dict(), {"mean": "[0.5, 0.5, 0.5]", "std": "[1, 1, 1]"})
    data = read_checkpoint(path, max_bytes=LIMIT)
    assert data["mean"] == [0.5, 0.5, 0.5]
    shifted = logits(trained_like, images - 0.5)
    assert torch.allclose(logits(load_into_allcnn(data), images), shifted, atol=1e-5)
    torch.save({k: v.half() if v.is_floating_point() else v for k, v in trained_like.state_dict().items()},
               path)
    half = load_into_allcnn(read_checkpoint(path, max_bytes=LIMIT))
    assert torch.allclose(logits(half, images), logits(trained_like, images), atol=0.05)


class RunsCode:
    """A pickle payload: unpickling it would create a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_pickled_code_is_refused_and_never_run(tmp_path) -> None:
    marker = tmp_path / MARKER_NAME
    path = tmp_path / "allcnn.pt"
    torch.save({"state_dict": build_allcnn(1).state_dict(), "extra": RunsCode(marker)}, path)
    with pytest.raises(PickleNeedsCode, match="without running code"):
        read_checkpoint(path, max_bytes=LIMIT)
    assert not marker.exists()


def test_whole_pickled_model_is_refused_with_a_how_to(tmp_path) -> None:
    path = tmp_path / "allcnn.pt"
    torch.save(AllCNN(), path)
    with pytest.raises(PickleNeedsCode) as error:
        read_checkpoint(path, max_bytes=LIMIT)
    assert "torch.save(model.state_dict()" in str(error.value) and "AllCNN" in str(error.value)


@pytest.mark.parametrize("content, error", [
    (b"", NotACheckpoint), (b"not a checkpoint at all", NotACheckpoint),
    (b"\x93NUMPY\x01\x00", NotACheckpoint), (b"PK\x03\x04broken zip", NotACheckpoint),
])
def test_files_that_are_not_checkpoints(content, error, tmp_path) -> None:
    path = tmp_path / "allcnn.pt"
    path.write_bytes(content)
    with pytest.raises(error):
        read_checkpoint(path, max_bytes=LIMIT)


def test_missing_and_too_large(trained_like, tmp_path) -> None:
    with pytest.raises(CheckpointNotFound):
        read_checkpoint(tmp_path / "absent.pt", max_bytes=LIMIT)
    path = tmp_path / "allcnn.pt"
    torch.save(trained_like.state_dict(), path)
    with pytest.raises(CheckpointTooLarge, match="6.7 MB"):
        read_checkpoint(path, max_bytes=1_000_000)


@pytest.mark.parametrize("payload, message", [
    ([1, 2, 3], "holds a list"),
    ({"epoch": 3, "loss": 0.5}, "no state dict"),
    ({"state_dict": {"m.1.0.weight": "text"}}, "not a tensor"),
])
def test_no_state_dict(payload, message, tmp_path) -> None:
    path = tmp_path / "allcnn.pt"
    torch.save(payload, path)
    with pytest.raises(NotACheckpoint, match=message):
        read_checkpoint(path, max_bytes=LIMIT)


@pytest.mark.parametrize("mean, std", [([0.5, 0.5], [1, 1, 1]), ([0.5] * 3, [1, 0, 1]),
                                       ([float("nan")] * 3, [1, 1, 1]), ("0.5", [1, 1, 1])])
def test_bad_normalization(mean, std, trained_like, tmp_path) -> None:
    path = tmp_path / "allcnn.pt"
    torch.save({"state_dict": trained_like.state_dict(), "mean": mean, "std": std}, path)
    with pytest.raises(BadNormalization):
        read_checkpoint(path, max_bytes=LIMIT)


def test_architecture_mismatches_are_named(trained_like) -> None:
    state = dict(trained_like.state_dict())
    del state["m.3.2.running_var"]
    state["m.20.0.weight"] = torch.zeros(1)
    state["m.1.0.weight"] = torch.zeros(32, 3, 3, 3)
    with pytest.raises(ArchitectureMismatch) as error:
        load_into_allcnn({"state_dict": state, "mean": None, "std": None})
    text = str(error.value)
    assert "m.3.2.running_var" in text and "m.20.0.weight" in text
    assert "m.1.0.weight: (32, 3, 3, 3) instead of (96, 3, 3, 3)" in text
    nested = {f"1.{k}": v for k, v in trained_like.state_dict().items()}
    with pytest.raises(ArchitectureMismatch, match="nested inside another module"):
        load_into_allcnn({"state_dict": nested, "mean": None, "std": None})


def test_non_finite_weights(trained_like) -> None:
    state = {k: v.clone() for k, v in trained_like.state_dict().items()}
    state["m.9.2.running_var"][0] = float("inf")
    with pytest.raises(NonFiniteWeights, match="m.9.2.running_var"):
        load_into_allcnn({"state_dict": state, "mean": None, "std": None})


def test_worker_reads_checkpoints_and_refuses_code(trained_like, images, tmp_path) -> None:
    """The grader's path: the worker parses the file; the grader gets plain tensors back."""
    good, bad = tmp_path / "good", tmp_path / "bad"
    for folder in (good, bad):
        folder.mkdir()
    torch.save({"state_dict": {f"module.{k}": v for k, v in trained_like.state_dict().items()},
                "mean": list(CIFAR10_MEAN), "std": list(CIFAR10_STD)}, good / "allcnn.pt")
    marker = tmp_path / MARKER_NAME
    torch.save({"model": RunsCode(marker)}, bad / "allcnn.pt")

    student = Student(find_submission(good, tmp_path / "work-good", *HW2_FILES))
    try:
        data = student.read_checkpoint("allcnn.pt", max_bytes=LIMIT)
    finally:
        student.close()
    assert all(type(v) is torch.Tensor for v in data["state_dict"].values())
    assert any("module." in note for note in data["notes"])
    model = load_into_allcnn(data)
    assert torch.allclose(logits(model, images), logits(
        load_into_allcnn({**data, "mean": None, "std": None}),
        (images - torch.tensor(CIFAR10_MEAN).view(1, 3, 1, 1)) / torch.tensor(CIFAR10_STD).view(1, 3, 1, 1)),
        atol=1e-5)

    student = Student(find_submission(bad, tmp_path / "work-bad", *HW2_FILES))
    try:
        with pytest.raises(CheckFailed, match="without running code"):
            student.read_checkpoint("allcnn.pt", max_bytes=LIMIT)
    finally:
        student.close()
    assert not marker.exists()
