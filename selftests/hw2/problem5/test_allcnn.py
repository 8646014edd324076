"""The grader's All-CNN: the course's layout and size, deterministic seeded instances, normalization."""
from __future__ import annotations

import torch

from autograder.deeplearning import models
from autograder.deeplearning.allcnn import (
    CIFAR10_MEAN, CIFAR10_STD, NUM_PARAMETERS, AllCNN, Normalized, build_allcnn, calibration_images,
    count_parameters,
)


def test_parameter_count_is_the_contracts() -> None:
    model = AllCNN()
    assert count_parameters(model) == NUM_PARAMETERS == 1_667_166
    convolutions = sum(p.numel() for n, p in model.named_parameters() if n.endswith(("0.weight", "0.bias")))
    assert convolutions == 1_664_650


def test_state_dict_keys_are_the_course_codes() -> None:
    keys = list(AllCNN().state_dict())
    blocks = [1, 2, 3, 5, 6, 7, 9, 10, 11]  # Dropout at 0, 4, 8; AvgPool and View hold nothing
    expected = [f"m.{b}.{part}" for b in blocks for part in (
        "0.weight", "0.bias", "2.weight", "2.bias", "2.running_mean", "2.running_var",
        "2.num_batches_tracked")]
    assert keys == expected
    assert AllCNN().state_dict()["m.11.0.weight"].shape == (10, 192, 1, 1)


def test_seeded_models_are_deterministic_and_distinct() -> None:
    first, again, other = build_allcnn(3), build_allcnn(3), build_allcnn(4)
    for name, tensor in first.state_dict().items():
        assert torch.equal(tensor, again.state_dict()[name]), name
    assert not torch.equal(first.state_dict()["m.1.0.weight"], other.state_dict()["m.1.0.weight"])
    assert not first.training and all(not m.training for m in first.modules())


def test_model_spec_builds_the_same_model() -> None:
    spec = models.allcnn(seed=3, mean=CIFAR10_MEAN, std=CIFAR10_STD)
    built, direct = models.build_model(spec), build_allcnn(3, CIFAR10_MEAN, CIFAR10_STD)
    x = calibration_images(2, seed=9)
    with torch.no_grad():
        assert torch.equal(built(x), direct(x))


def test_seeded_model_gives_varied_predictions() -> None:
    """Running statistics are calibrated: logits are neither vanishing nor one class for all."""
    model = build_allcnn(0, CIFAR10_MEAN, CIFAR10_STD)
    with torch.no_grad():
        logits = model(calibration_images(24, seed=123))
    assert logits.std() > 0.05
    assert len(set(logits.argmax(1).tolist())) >= 3


def test_normalized_wrapper_normalizes_inside() -> None:
    inner = build_allcnn(1)
    wrapped = Normalized(inner, CIFAR10_MEAN, CIFAR10_STD).eval()
    x = calibration_images(2, seed=5)
    mean = torch.tensor(CIFAR10_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR10_STD).view(1, 3, 1, 1)
    with torch.no_grad():
        assert torch.allclose(wrapped(x), inner((x - mean) / std), atol=1e-6)
    assert set(wrapped.state_dict()) == {f"model.{k}" for k in inner.state_dict()}


def test_template_and_reference_models_match_the_graders() -> None:
    """A checkpoint saved from the handout's class loads into the grader's, key for key."""
    import importlib.util
    from pathlib import Path

    repo = Path(__file__).resolve().parents[3]
    expected = {k: v.shape for k, v in AllCNN().state_dict().items()}
    for folder in ("student_template", "reference"):
        spec = importlib.util.spec_from_file_location(f"{folder}_problem5", repo / folder / "hw2" / "problem5.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        state = module.allcnn_t().state_dict()
        assert {k: v.shape for k, v in state.items()} == expected, folder
        assert count_parameters(module.AllCNN()) == NUM_PARAMETERS
