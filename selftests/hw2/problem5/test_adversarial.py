"""The grader's batched clean + FGSM evaluation agrees with a plain per-batch computation and with
the reference solution, whatever the batch size, and leaves the model as it found it."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.deeplearning.adversarial import (
    EPS_8_OF_255, batch_statistics_accuracy, evaluate, fgsm_step, float32_scoring,
)
from autograder.deeplearning.allcnn import calibration_images
from autograder.deeplearning.checkpoint import load_into_allcnn, read_checkpoint
from autograder.deeplearning.cifar import load_test_set

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def model() -> torch.nn.Module:
    """The committed All-CNN trained on Fashion-MNIST: accuracies far from 0 and 1."""
    path = REPO / "selftests" / "data" / "fashion_allcnn.pt"
    return load_into_allcnn(read_checkpoint(path, max_bytes=50_000_000))


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    split = load_test_set(REPO / "selftests" / "data" / "fashion_small", limit=12)
    return split.images, split.labels


def reference_module():
    spec = importlib.util.spec_from_file_location("reference_problem5", REPO / "reference" / "hw2" / "problem5.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plain_counts(model, images: np.ndarray, labels: np.ndarray, eps: float) -> tuple[int, int]:
    """Clean pass, then FGSM clipped to [0, 1], one image at a time: slow and obvious."""
    clean = adversarial = 0
    for picture, label in zip(images, labels):
        x = torch.from_numpy(picture).float().div(255).unsqueeze(0)
        y = torch.tensor([int(label)])
        with torch.no_grad():
            clean += int(model(x).argmax(1) == y)
        x.requires_grad_(True)
        (gradient,) = torch.autograd.grad(F.cross_entropy(model(x), y), x)
        with torch.no_grad():
            adversarial += int(model((x + eps * gradient.sign()).clamp(0, 1)).argmax(1) == y)
    return clean, adversarial


def test_batched_evaluation_matches_one_image_at_a_time(model, data) -> None:
    images, labels = data
    result = evaluate(model, images, labels, EPS_8_OF_255, device="cpu", batch_size=5)
    assert (result.clean_correct, result.adversarial_correct) == plain_counts(model, images, labels,
                                                                               EPS_8_OF_255)
    assert result.images == result.attacked == 12 and result.precision == "float32"
    again = evaluate(model, images, labels, EPS_8_OF_255, device="cpu", batch_size=7)
    assert (again.clean_correct, again.adversarial_correct) == (result.clean_correct,
                                                                result.adversarial_correct)


def test_attack_limit_and_clean_only(model, data) -> None:
    images, labels = data
    full = evaluate(model, images, labels, EPS_8_OF_255, device="cpu", batch_size=5)
    partial = evaluate(model, images, labels, EPS_8_OF_255, device="cpu", batch_size=5, attack_limit=7)
    first = evaluate(model, images[:7], labels[:7], EPS_8_OF_255, device="cpu")
    assert partial.clean_correct == full.clean_correct and partial.attacked == 7
    assert 0 < full.adversarial_correct < full.clean_correct < 12
    assert partial.adversarial_correct == first.adversarial_correct
    clean_only = evaluate(model, images, labels, None, device="cpu")
    assert clean_only.clean_correct == full.clean_correct
    assert clean_only.adversarial_accuracy is None and clean_only.attacked == 0


def test_gradient_pass_logits_equal_inference_logits(model) -> None:
    """The clean predictions come from the attack's forward pass: they must be the same numbers."""
    x = calibration_images(6, seed=4)
    logits, x_adv = fgsm_step(model, x, torch.arange(6) % 10, EPS_8_OF_255)
    with torch.inference_mode():
        assert torch.equal(logits, model(x))
    assert float((x_adv - x).abs().max()) <= EPS_8_OF_255 + 1e-6
    assert x_adv.min() >= 0 and x_adv.max() <= 1


def test_agrees_with_the_reference_solution(model) -> None:
    """On images far from 0 and 1 clipping never acts, so the reference's unclipped FGSM agrees."""
    x = 0.2 + 0.6 * calibration_images(12, seed=6)
    with torch.no_grad():
        y = model(x).argmax(1)
    y[::3] = (y[::3] + 1) % 10
    ours = evaluate(model, x, y, 2 / 255, device="cpu", batch_size=5)
    clean, adversarial = reference_module().adversarial_accuracy(model, x, y, 2 / 255, batch_size=5)
    assert (ours.clean_accuracy, ours.adversarial_accuracy) == (clean, adversarial)
    assert 0 < clean < 1


def test_model_is_left_as_it_was(model, data) -> None:
    images, labels = data
    before = {k: v.clone() for k, v in model.state_dict().items()}
    flags = [p.requires_grad for p in model.parameters()]
    evaluate(model, images[:8], labels[:8], EPS_8_OF_255, device="cpu")
    batch_statistics_accuracy(model, images[:8], labels[:8])
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert [p.requires_grad for p in model.parameters()] == flags
    assert not model.training and all(p.grad is None for p in model.parameters())


def test_progress_goes_to_stderr_only(model, data, capsys) -> None:
    images, labels = data
    evaluate(model, images[:4], labels[:4], EPS_8_OF_255, device="cpu", progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "4/4 images" in captured.err
    evaluate(model, images[:4], labels[:4], EPS_8_OF_255, device="cpu")  # short runs: no bar
    assert capsys.readouterr().err == ""


def test_float32_scoring_restores_precision_flags() -> None:
    torch.backends.cudnn.allow_tf32 = True
    before = torch.get_float32_matmul_precision()
    with float32_scoring():
        assert not torch.backends.cudnn.allow_tf32 and not torch.backends.cuda.matmul.allow_tf32
        assert torch.get_float32_matmul_precision() == "highest"
    assert torch.backends.cudnn.allow_tf32 and torch.get_float32_matmul_precision() == before


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cpu_and_cuda_agree(model, data) -> None:
    images, labels = data
    cpu = evaluate(model, images, labels, EPS_8_OF_255, device="cpu")
    cuda = evaluate(model, images, labels, EPS_8_OF_255, device="cuda")
    assert abs(cpu.clean_correct - cuda.clean_correct) <= 1
    assert abs(cpu.adversarial_correct - cuda.adversarial_correct) <= 1
