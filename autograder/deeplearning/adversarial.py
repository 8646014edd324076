"""Batched clean + one-step FGSM accuracy of an image classifier, as graders score checkpoints.

Per batch: one forward pass with the input requiring a gradient gives both the clean predictions
(the model is in eval mode, so these logits are exactly those of an inference pass) and, after one
backward pass to the input only (the parameters are frozen for the duration), the FGSM images
x + eps * sign(grad), clipped to [0, 1]; one more forward pass under `torch.inference_mode()`
classifies them. That is two forwards and one input-only backward per image, where the usual
recipe (a separate clean pass, then an attack library's FGSM) spends three forwards and one
backward. Images past `attack_limit`, and every image when there is no eps, get only the clean
pass, under `torch.inference_mode()`.

Scores are computed in float32 with TF32 off. On the CPU the model runs in channels_last memory
format: oneDNN's forward pass is 1.2-1.5x faster so, and the predictions were measured to be the
same (all 10,000 Fashion-MNIST test images clean, 2,000 of them attacked). `precision="bf16"`
(autocast, channels_last) is a GPU speed lever for the benchmark, which reports how far its
accuracies are from float32's; grading never uses it.
"""
from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from autograder.errors import DataUnavailable
from autograder.deeplearning.cifar import DEFAULT_DATA_DIR, CifarDataError, CifarSplit, load_test_set

EPS_8_OF_255 = 8 / 255
DEFAULT_BATCH = {"cuda": 1000, "cpu": 32}  # CPU: as fast as 100, and 250 MB less memory
MAX_CHECKPOINT_BYTES = 64_000_000  # an All-CNN state dict is 6.7 MB
ATTACKED_IMAGES_ON_CPU = 1_000     # leaderboard FGSM accuracy: the first images only, without a GPU


@dataclass(frozen=True)
class EvalResult:
    """Counts over `images` test images; accuracies are fractions in [0, 1]."""

    images: int
    clean_correct: int
    attacked: int  # the first `attacked` images were also attacked (0: no attack)
    adversarial_correct: int | None  # None when no attack was run
    eps: float | None
    device: str
    precision: str
    seconds: float

    @property
    def clean_accuracy(self) -> float:
        return self.clean_correct / self.images

    @property
    def adversarial_accuracy(self) -> float | None:
        if self.adversarial_correct is None or not self.attacked:
            return None
        return self.adversarial_correct / self.attacked


def pick_device(name: str = "auto") -> torch.device:
    """`auto`: CUDA when present, else CPU; otherwise the named device."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda was asked for, but no CUDA device is available")
    return device


@contextlib.contextmanager
def float32_scoring() -> Iterator[None]:
    """True float32 matrix products and convolutions (TF32 off), restored afterwards."""
    matmul = torch.backends.cuda.matmul.allow_tf32
    cudnn = torch.backends.cudnn.allow_tf32
    precision = torch.get_float32_matmul_precision()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = matmul
        torch.backends.cudnn.allow_tf32 = cudnn
        torch.set_float32_matmul_precision(precision)


@contextlib.contextmanager
def frozen_parameters(model: nn.Module) -> Iterator[None]:
    """No parameter requires a gradient inside the block, so backward stops at the input."""
    flags = [(p, p.requires_grad) for p in model.parameters()]
    for parameter, _ in flags:
        parameter.requires_grad_(False)
    try:
        yield
    finally:
        for parameter, flag in flags:
            parameter.requires_grad_(flag)


class ProgressBar:
    """A one-line progress report on stderr (never in the feedback), for long runs only."""

    def __init__(self, total: int, label: str, enabled: bool) -> None:
        self.total, self.label, self.enabled = total, label, enabled
        self.started = time.perf_counter()
        self.last_shown = 0.0

    def update(self, done: int) -> None:
        now = time.perf_counter()
        if not self.enabled or (now - self.last_shown < 0.5 and done < self.total):
            return
        self.last_shown = now
        rate = done / max(now - self.started, 1e-9)
        width = 30
        filled = int(width * done / self.total)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                         f"{done}/{self.total} images, {rate:.0f}/s")
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def as_images(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    """A (N, 3, H, W) tensor: uint8 stays uint8 (scaled per batch), floats are taken as [0, 1]."""
    tensor = torch.from_numpy(np.ascontiguousarray(images)) if isinstance(images, np.ndarray) \
        else images
    if tensor.ndim != 4:
        raise ValueError(f"images must be (N, C, H, W), got shape {tuple(tensor.shape)}")
    return tensor


def _to_unit_float(batch: torch.Tensor) -> torch.Tensor:
    if batch.dtype == torch.uint8:
        return batch.float().div_(255.0)
    return batch.float()


def fgsm_step(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float,
              autocast_dtype: torch.dtype | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(clean logits, FGSM images clipped to [0, 1]) from one forward and one backward pass."""
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)
        with _autocast(x.device, autocast_dtype):
            logits = model(x)
        loss = F.cross_entropy(logits.float(), y)
        (grad,) = torch.autograd.grad(loss, x)
    x_adv = (x.detach() + eps * grad.sign()).clamp_(0.0, 1.0)
    return logits.detach(), x_adv


def evaluate(model: nn.Module, images: np.ndarray | torch.Tensor,
             labels: np.ndarray | torch.Tensor, eps: float | None = EPS_8_OF_255, *,
             device: torch.device | str = "auto", batch_size: int | None = None,
             precision: str = "float32", channels_last: bool | None = None,
             attack_limit: int | None = None, progress: bool | None = None) -> EvalResult:
    """Clean accuracy over all `images` and, when `eps` is given, one-step FGSM accuracy over the
    first `attack_limit` of them (all when None), in one sweep.

    `model` is the grader's own (it is moved to `device` and put in eval mode). `channels_last`:
    None uses it on the CPU (measured faster there, with the same predictions) and with bf16.
    `progress`: None shows a bar on stderr for runs of 2,000 images or more.
    """
    if precision not in ("float32", "bf16"):
        raise ValueError("precision must be 'float32' or 'bf16'")
    device = pick_device(device) if isinstance(device, str) else device
    batch_size = batch_size or DEFAULT_BATCH.get(device.type, 100)
    images_t = as_images(images).to(device)
    labels_t = torch.as_tensor(np.asarray(labels) if not isinstance(labels, torch.Tensor)
                               else labels).to(device=device, dtype=torch.long)
    total = len(labels_t)
    if images_t.shape[0] != total or total == 0:
        raise ValueError("images and labels must be non-empty and of the same length")
    model = model.to(device).eval()
    if channels_last is None:
        channels_last = device.type == "cpu" or precision == "bf16"
    autocast_dtype = torch.bfloat16 if precision == "bf16" else None
    attacked = 0 if eps is None else min(total, total if attack_limit is None else attack_limit)
    bar = ProgressBar(total, "clean + FGSM" if attacked else "clean",
                      total >= 2000 if progress is None else progress)
    clean_correct = torch.zeros((), dtype=torch.long, device=device)
    adversarial_correct = torch.zeros((), dtype=torch.long, device=device)
    started = time.perf_counter()
    with float32_scoring(), frozen_parameters(model), _memory_format(model, channels_last):
        for start in range(0, total, batch_size):
            x = _to_unit_float(images_t[start:start + batch_size])
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            y = labels_t[start:start + batch_size]
            split = max(0, min(len(y), attacked - start))  # the batch's images to attack
            if split:
                logits, x_adv = fgsm_step(model, x[:split], y[:split], eps, autocast_dtype)
                clean_correct += (logits.argmax(1) == y[:split]).sum()
                with torch.inference_mode(), _autocast(device, autocast_dtype):
                    adversarial_correct += (model(x_adv).argmax(1) == y[:split]).sum()
            if split < len(y):
                with torch.inference_mode(), _autocast(device, autocast_dtype):
                    clean_correct += (model(x[split:]).argmax(1) == y[split:]).sum()
            bar.update(min(start + batch_size, total))
    clean, adversarial = int(clean_correct), int(adversarial_correct)  # waits for the device
    return EvalResult(total, clean, attacked, adversarial if attacked else None, eps, str(device),
                      precision, time.perf_counter() - started)


@contextlib.contextmanager
def _memory_format(model: nn.Module, channels_last: bool) -> Iterator[None]:
    """The model's tensors in channels_last inside the block (when asked), contiguous after."""
    if channels_last:
        model.to(memory_format=torch.channels_last)
    try:
        yield
    finally:
        if channels_last:
            model.to(memory_format=torch.contiguous_format)


def _autocast(device: torch.device, dtype: torch.dtype | None) -> contextlib.AbstractContextManager:
    return torch.autocast(device.type, dtype=dtype or torch.bfloat16, enabled=dtype is not None)


@torch.no_grad()
def channel_statistics(images: np.ndarray | torch.Tensor) -> tuple[list[float], list[float]]:
    """Per-channel mean and standard deviation of (N, 3, H, W) images on the [0, 1] scale (uint8
    divided by 255), in float64: about what a normalization fitted to such data would use."""
    x = as_images(images)
    x = x.double() / 255.0 if x.dtype == torch.uint8 else x.double()
    return x.mean(dim=(0, 2, 3)).tolist(), x.std(dim=(0, 2, 3)).clamp_min(1e-3).tolist()


def batch_statistics_accuracy(model: nn.Module, images: np.ndarray | torch.Tensor,
                              labels: np.ndarray | torch.Tensor, *, device: torch.device | str = "cpu",
                              batch_size: int = 200) -> float:
    """Accuracy with batch norm using each batch's own statistics and dropout off.

    A diagnostic for a checkpoint near chance in eval mode: when this is much higher, the running
    statistics are at fault (the All-CNN puts dropout before batch norm), not the weights. The
    running statistics are set aside for the run and put back unchanged.
    """
    device = pick_device(device) if isinstance(device, str) else device
    model = model.to(device).eval()
    batchnorms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [(bn.running_mean, bn.running_var) for bn in batchnorms]
    images_t, labels_t = as_images(images), torch.as_tensor(np.asarray(labels), dtype=torch.long)
    correct = 0
    try:
        for bn in batchnorms:  # no running statistics: batch norm falls back to batch statistics
            bn.running_mean, bn.running_var = None, None
        for start in range(0, len(labels_t), batch_size):
            x = _to_unit_float(images_t[start:start + batch_size].to(device))
            correct += int((model(x).argmax(1).cpu() == labels_t[start:start + batch_size]).sum())
    finally:
        for bn, (mean, var) in zip(batchnorms, saved):
            bn.running_mean, bn.running_var = mean, var
    return correct / len(labels_t)


# ------------------------------------------------------------------ scoring a student's checkpoint
def read_test_set(data_dir: Path | None, limit: int | None) -> CifarSplit:
    """The test set from `--data` or the default folder; missing data is a message for the staff."""
    folder = data_dir or DEFAULT_DATA_DIR
    try:
        return load_test_set(folder, limit)
    except CifarDataError as error:
        raise DataUnavailable(
            "the CIFAR-10 test set is not available to the grader, so the checkpoint could not be "
            "scored. On Gradescope this is not your fault: tell the course staff. On your own "
            "machine: give the folder that holds cifar-10-batches-py with --data DIR. "
            f"For the staff: {error} The default location is {DEFAULT_DATA_DIR}/"
            "cifar-10-batches-py: build the zip with it there, or let setup.sh fetch it "
            "(the assignment's set-up step).",
            advice="no CIFAR-10 test set was found (use --data DIR)") from None


def credit_fraction(accuracy: float, full: float, zero: float) -> float:
    """All points at `full` or more, none at `zero` or less, linear in between."""
    return float(min(1.0, max(0.0, (accuracy - zero) / (full - zero))))
