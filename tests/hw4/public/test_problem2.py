"""Public checks for Problem 2: the CIFAR-10 classifier (the PyTorch tutorial's `Net`).

Expected values are facts of the contract or recomputed here, never a reference solution:

- 2.2 (3 points: 0.75 + 0.75 here, 0.75 + 0.75 hidden): `conv_output_size(h, k, padding, stride,
  dilation)` is the exact integer that torch.nn.Conv2d itself produces (run here on a zeros input
  of width h) on every case of a table (the course's 32 -> 28 -> 14 -> 10 -> 5, padding, strides
  whose division rounds down, dilation);
  `net_with_kernel(k)` for k = 3 and k = 5 in one check (k = 5 alone would pay a function that
  ignores k and returns `Net`): the returned module comes back as plain data (its layers, their
  kernel sizes and channels) and is run in the worker, in eval mode, on (N, 3, 32, 32) batches;
  exactly two Conv2d layers, 3 -> 6 and 6 -> 16 channels, k x k; outputs (N, 10) logits (rows of
  probabilities, a softmax at the end, are refused with a message); a network that cannot run
  (Linear(400, 120) kept with k = 3) fails with the shape error.
- 2.3 (2 points: 0.5 + 0.5 here, 0.5 + 0.5 hidden): `train_epoch(net, loader, optimizer,
  criterion)` on a seeded model in training mode, an unshuffled loader, SGD with momentum and
  cross-entropy: every parameter and buffer after the epoch matches the grader's own loop
  (zero_grad, forward, loss, backward, step per batch; same seeds as the worker's) to 1e-5, and the
  return value is the mean of the mini-batch losses (rtol 1e-5). On the tutorial `Net` and on a
  variant with batch norm and dropout (where `net.eval()` inside, and the random state, matter).
- 2.4 (4 points): `evaluate(net, loader)` (0.5 here, 0.5 hidden) on a network with batch norm and
  dropout handed over in training mode, for two batch sizes (the last batch smaller): the accuracy
  over every sample in eval mode, as a fraction (a percentage scores 0, with a message); forward
  passes that record gradients keep half of the check. The checkpoint `cifar_net.pt` (3 points):
  read without running code, loaded into the grader's own `Net` and scored by its clean accuracy
  on the CIFAR-10 test set with the course's normalization x -> 2x - 1: all 3 points at
  `full_credit_accuracy` (55%) or more, none at `zero_credit_accuracy` (10%) or less, linear in
  between (tests/hw4/assignment.toml [checks.checkpoint]).

The helpers are shared with the hidden checks, which use other seeds, sizes and settings.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import torch

from autograder.boundary.modules import ModuleInfo, ProbeFailure
from autograder.checks import CheckFailed, as_array, as_int, as_real, type_name
from autograder.decorators import number, partial_credit, weight
from autograder.deeplearning import models, recipes
from autograder.deeplearning.accuracy_credit import CheckpointScore, award_clean_accuracy
from tests.hw4.checkpoint_grading import (
    CHECKPOINT,
    score_checkpoint,
    tutorial_net,
    tutorial_net_bn_dropout,
)
from tests.hw4.settings import CHECKPOINT_RULE

# Every call runs on the CPU whatever --device says: a loader recipe's tensors stay on the CPU, and
# the grader's reference epoch draws its dropout masks from the CPU generator.
STATE_ATOL = 1e-5       # 2.3: parameters and buffers after the epoch, absolute ...
STATE_RTOL = 1e-5       # ... plus relative (float32 sums in another order differ by ~1e-7)
LOSS_RTOL = 1e-5        # 2.3: the returned mean loss
MIN_LOGIT_MARGIN = 1e-3  # 2.4: images whose top two logits are this close are left out
SOFTMAX_ATOL = 1e-4     # 2.2: rows summing to 1 within this are probabilities
ACCURACY_RTOL = 1e-6    # 2.4: a float32 tensor holding correct / total is accepted


def seeded_images(count: int, seed: int) -> torch.Tensor:
    """Normalized-looking images (N, 3, 32, 32), float32, from a generator of their own."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn((count, 3, 32, 32), generator=generator)


def seeded_labels(count: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(0, 10, (count,), generator=generator)


# ------------------------------------------------------------------------------------- 2.2
def conv_size(h: int, k: int, padding: int, stride: int, dilation: int) -> int | None:
    """The width of what torch.nn.Conv2d (a 1 x k kernel with this padding, stride and dilation)
    returns for a zeros input of width h; None where PyTorch refuses (no complete window)."""
    with torch.random.fork_rng(devices=[]), torch.no_grad():  # the layer's init draws no global state
        conv = torch.nn.Conv2d(1, 1, kernel_size=(1, k), padding=(0, padding), stride=(1, stride),
                               dilation=(1, dilation), bias=False)
        try:
            return int(conv(torch.zeros((1, 1, 1, h))).shape[-1])
        except RuntimeError:
            return None


def _conv_size_hint(got: int, h: int, k: int, p: int, s: int, d: int) -> str:
    """What a wrong answer most likely did, for the message (never the expected value)."""
    span = d * (k - 1) + 1
    if got == conv_size(h, k, p, s, 1) != conv_size(h, k, p, s, d):
        return ": the dilation is ignored (a dilated kernel spans d * (k - 1) + 1 rows)"
    if got == -(-(h + 2 * p - span) // s) + 1 != conv_size(h, k, p, s, d):
        return ": it rounds up; a window that runs past the input is not counted (round down)"
    if got == conv_size(h, k, p, s, d) - 1:
        return ": the + 1 (the first window) is missing"
    if got == conv_size(h, k, 0, s, d) != conv_size(h, k, p, s, d):
        return ": the padding is ignored (it adds 2 * padding to the height)"
    return ""


def check_conv_output_sizes(student: Any, cases: Sequence[tuple[int, int, int, int, int]]) -> None:
    """conv_output_size(h, k, padding, stride, dilation) is the exact integer on every case."""
    for h, k, p, s, d in cases:
        what = f"conv_output_size({h}, {k}, padding={p}, stride={s}, dilation={d})"
        got = as_int(student.problem2.conv_output_size(h, k, p, s, d), "conv_output_size(...)")
        expected = conv_size(h, k, p, s, d)
        if got != expected:
            raise CheckFailed("conv_output_size is not floor((h + 2 padding - dilation (k - 1) - 1) "
                              "/ stride) + 1" + _conv_size_hint(got, h, k, p, s, d),
                              detail=f"{what}: expected {expected}, got {got}")


def flatten_features(k: int) -> int:
    """How many features reach Net's flatten with k x k convolutions and no padding: the layers
    themselves run on a zeros image (1, 3, 32, 32)."""
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        layers = torch.nn.Sequential(torch.nn.Conv2d(3, 6, k), torch.nn.MaxPool2d(2, 2),
                                     torch.nn.Conv2d(6, 16, k), torch.nn.MaxPool2d(2, 2))
        return int(layers(torch.zeros((1, 3, 32, 32))).numel())


def _looks_like_probabilities(out: np.ndarray) -> bool:
    return bool(np.all(out > 0) and np.all(out < 1)
                and np.allclose(out.sum(axis=1), 1.0, atol=SOFTMAX_ATOL))


def check_net_with_kernel(student: Any, k: int, probes: Sequence[torch.Tensor]) -> None:
    """net_with_kernel(k) returns a module with two k x k convolutions (3 -> 6 -> 16 channels)
    that maps every probe batch (N, 3, 32, 32) to finite logits (N, 10)."""
    what = f"net_with_kernel({k})"
    value = student.options(probe=tuple(probes), device="cpu").call("problem2", "net_with_kernel", k).value
    if not isinstance(value, ModuleInfo):
        raise CheckFailed(f"{what} must return an nn.Module (the network), got {type_name(value)}")
    convs = value.of_kind("Conv2d")
    if len(convs) != 2:
        raise CheckFailed(f"{what} must have exactly two torch.nn.Conv2d layers, like Net",
                          detail=f"found {len(convs)}: {[layer.name for layer in convs]}")
    for layer, (c_in, c_out) in zip(convs, ((3, 6), (6, 16))):
        config = layer.config
        got = (config.get("in_channels"), config.get("out_channels"), tuple(config.get("kernel_size") or ()))
        if got != (c_in, c_out, (k, k)):
            raise CheckFailed(
                f"{what}: the convolutions must be Conv2d({c_in}, {c_out}, {k}) as in Net with a "
                f"{k} x {k} kernel (first 3 -> 6 channels, then 6 -> 16)",
                detail=f"layer '{layer.name}' has in_channels={got[0]}, out_channels={got[1]}, "
                       f"kernel_size={got[2]}")
    if len(value.outputs) != len(probes):
        raise CheckFailed(f"{what}: the returned network could not be run on the grader's inputs")
    for x, out in zip(probes, value.outputs):
        shape = tuple(x.shape)
        if isinstance(out, ProbeFailure):
            side = math.isqrt(flatten_features(k) // 16)
            raise CheckFailed(
                f"{what} cannot run on a batch of images (N, 3, 32, 32): with {k} x {k} "
                f"convolutions and no padding {flatten_features(k)} features reach the flatten "
                f"(16 channels of {side} x {side}), so the first linear layer must take that many "
                "(or keep 400 with padding, dilation or adaptive pooling)",
                detail=f"on a batch of shape {shape}: {out.summary}")
        if not isinstance(out, torch.Tensor):
            raise CheckFailed(f"{what}(x) must return a tensor of logits, got {type_name(out)}")
        array = as_array(out, f"{what}(x) for a batch x of N images (N, 3, 32, 32)", shape=(shape[0], 10))
        if _looks_like_probabilities(array):
            raise CheckFailed(
                f"{what} returns probabilities (every row sums to 1, every entry is in (0, 1)): "
                "a softmax at the end. It must return logits, the raw scores of fc3 "
                "(nn.CrossEntropyLoss applies log-softmax itself)")


CONV_CASES_PUBLIC = (
    (32, 5, 0, 1, 1), (28, 2, 0, 2, 1), (14, 5, 0, 1, 1), (10, 2, 0, 2, 1),  # Net: 28, 14, 10, 5
    (32, 3, 0, 1, 1), (32, 3, 1, 1, 1), (32, 3, 0, 2, 1), (7, 3, 0, 2, 1),
    (32, 3, 0, 1, 2), (13, 2, 0, 2, 1), (10, 4, 1, 3, 1), (64, 7, 3, 2, 1),
)


@number("2.2")
@weight(0.75)
def test_conv_output_size(student):
    """conv_output_size gives the exact output size: Net's 32 -> 28 -> 14 -> 10 -> 5, padding,
    strides that round down, dilation."""
    check_conv_output_sizes(student, CONV_CASES_PUBLIC)


@number("2.2")
@weight(0.75)
def test_net_with_kernel_3_and_5(student):
    """net_with_kernel(3) and net_with_kernel(5): two k x k convolutions (6 and 16 channels), and
    batches (N, 3, 32, 32) map to logits (N, 10)."""
    probes = (seeded_images(2, 21), seeded_images(5, 22))
    for k in (3, 5):
        check_net_with_kernel(student, k, probes)


# ------------------------------------------------------------------------------------- 2.3
def reference_epoch(spec: models.ModelSpec, loader: Any, optimizer: Any, criterion: Any,
                    seed: int, *, zero_grad: bool = True) -> tuple[dict[str, torch.Tensor], float]:
    """The grader's own epoch, on its own copy of the model, seeded as the worker seeds a call."""
    net = models.build_model(spec)
    data = recipes.build(loader)
    step = recipes.build(optimizer, model=net)
    loss_fn = recipes.build(criterion)
    losses = []
    with torch.random.fork_rng(devices=[]):
        recipes.seed_everything(seed)
        for inputs, labels in data:
            if zero_grad:
                step.zero_grad()
            loss = loss_fn(net(inputs), labels)
            loss.backward()
            step.step()
            losses.append(float(loss.detach()))
    state = {name: tensor.detach().clone() for name, tensor in net.state_dict().items()}
    return state, sum(losses) / len(losses)


def _states_match(got: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> bool:
    return all(name in got and tuple(got[name].shape) == tuple(tensor.shape)
               and np.allclose(got[name].double().numpy(), tensor.double().numpy(),
                               rtol=STATE_RTOL, atol=STATE_ATOL)
               for name, tensor in expected.items())


def check_train_epoch(student: Any, spec: models.ModelSpec, x: torch.Tensor, y: torch.Tensor,
                      batch_size: int, optimizer: Any, *, seed: int = 0, describe: str) -> None:
    """After train_epoch, every parameter and buffer matches the grader's epoch, and the return
    value is the mean of the mini-batch losses."""
    what = f"train_epoch({describe})"
    spec = spec.in_training_mode()
    loader = recipes.loader(x, y, batch_size)
    criterion = recipes.loss("CrossEntropyLoss")
    outcome = student.options(changes_models=True, seed=seed, device="cpu").call(
        "problem2", "train_epoch", spec, loader, optimizer, criterion)
    expected_state, expected_loss = reference_epoch(spec, loader, optimizer, criterion, seed)
    got_state = outcome.model_states.get(0)
    if got_state is None:
        raise CheckFailed(f"{what}: the state of the network after the call did not come back")
    missing = [name for name in expected_state if name not in got_state]
    if missing:
        raise CheckFailed(f"{what}: the network lost parameters or buffers",
                          detail="missing: " + ", ".join(missing[:6]))
    if not _states_match(got_state, expected_state):
        initial = models.build_model(spec).state_dict()
        params = [name for name, _ in models.build_model(spec).named_parameters()]
        unchanged = all(torch.equal(got_state[name], initial[name]) for name in params)
        changed = sorted(name for name, tensor in expected_state.items()
                         if not np.allclose(got_state[name].double().numpy(), tensor.double().numpy(),
                                            rtol=STATE_RTOL, atol=STATE_ATOL))
        if unchanged:
            why = ("the parameters did not change: the optimizer never stepped on a non-zero "
                   "gradient (optimizer.zero_grad() must come before loss.backward(), "
                   "optimizer.step() after it)")
        elif outcome.mutations.training or any(not entry.get("training", True) for entry in outcome.forward_log):
            why = ("the network was not trained in training mode (net.eval() inside train_epoch "
                   "changes what dropout and batch norm do)")
        elif _states_match(got_state, reference_epoch(spec, loader, optimizer, criterion, seed,
                                                      zero_grad=False)[0]):
            why = ("the gradients accumulate across mini-batches: call optimizer.zero_grad() "
                   "for every batch, before loss.backward()")
        else:
            why = ("one zero_grad, forward, loss, backward and optimizer step per mini-batch, in "
                   "the loader's order, nothing else changing the parameters")
        raise CheckFailed(f"{what}: the parameters after the epoch differ from those of the "
                          f"training loop ({why})",
                          detail=f"{len(changed)} tensor(s) differ beyond {STATE_ATOL:g}, e.g. "
                                 + ", ".join(changed[:5]))
    got_loss = as_real(outcome.value, f"{what}'s return value")
    if not math.isclose(got_loss, expected_loss, rel_tol=LOSS_RTOL):
        batches = math.ceil(len(x) / batch_size)
        hint = ""
        if math.isclose(got_loss, expected_loss * batches, rel_tol=LOSS_RTOL):
            hint = " (it is their sum: divide by the number of batches)"
        raise CheckFailed(f"{what} must return the mean of the mini-batch losses{hint}",
                          detail=f"expected {expected_loss:.8g}, got {got_loss:.8g}")


@number("2.3")
@weight(0.5)
def test_train_epoch_net(student):
    """train_epoch on the tutorial Net (24 images, batches of 8, SGD lr 0.05 momentum 0.9): the
    parameters match the training loop's, and it returns the mean of the batch losses."""
    check_train_epoch(student, tutorial_net(seed=31), seeded_images(24, 32), seeded_labels(24, 33), 8,
                      recipes.optimizer("SGD", model=0, lr=0.05, momentum=0.9),
                      describe="Net, 24 images, batches of 8, SGD lr=0.05 momentum=0.9")


@number("2.3")
@weight(0.5)
def test_train_epoch_batch_norm_dropout(student):
    """train_epoch on Net with batch norm and dropout (training mode matters; so does the random
    state): parameters and running statistics match the training loop's, and the mean loss."""
    check_train_epoch(student, tutorial_net_bn_dropout(seed=34), seeded_images(30, 35),
                      seeded_labels(30, 36), 10,
                      recipes.optimizer("SGD", model=0, lr=0.05, momentum=0.9),
                      describe="Net with batch norm and dropout, 30 images, batches of 10, SGD")


# ------------------------------------------------------------------------------------- 2.4
def evaluation_set(spec: models.ModelSpec, count: int, seed: int,
                   correct: Sequence[bool]) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Images whose eval-mode prediction is clear (top-2 logit margin >= MIN_LOGIT_MARGIN), labels
    right exactly where `correct` (cycled) says, and the accuracy that gives."""
    net = models.build_model(spec)  # eval mode
    kept: list[torch.Tensor] = []
    predictions: list[int] = []
    offset = 0
    while len(kept) < count:
        batch = seeded_images(64, seed + offset)
        offset += 1
        with torch.no_grad():
            logits = net(batch)
        top = logits.topk(2, dim=1).values
        for image, row, margin in zip(batch, logits, top[:, 0] - top[:, 1]):
            if float(margin) >= MIN_LOGIT_MARGIN and len(kept) < count:
                kept.append(image)
                predictions.append(int(row.argmax()))
    right = [bool(correct[i % len(correct)]) for i in range(count)]
    labels = torch.tensor([p if r else (p + 1 + i % 9) % 10 for i, (p, r) in enumerate(zip(predictions, right))])
    return torch.stack(kept), labels, sum(right) / count


def check_evaluate(student: Any, spec: models.ModelSpec, x: torch.Tensor, y: torch.Tensor,
                   expected: float, batch_sizes: Sequence[int], score: Any, describe: str) -> None:
    """evaluate(net, loader) is the eval-mode accuracy fraction for every batch size; forward
    passes recording gradients keep half of the check."""
    graded = []
    for batch_size in batch_sizes:
        what = f"evaluate({describe}, batch size {batch_size})"
        outcome = student.options(device="cpu").call("problem2", "evaluate", spec.in_training_mode(),
                                                      recipes.loader(x, y, batch_size))
        got = as_real(outcome.value, what)
        if not math.isclose(got, expected, rel_tol=ACCURACY_RTOL, abs_tol=1e-7):
            if math.isclose(got, 100 * expected, rel_tol=1e-6):
                raise CheckFailed(f"{what} returns a percentage: it must be a fraction in [0, 1] "
                                  "(correct / total, not correct * 100 / total)",
                                  detail=f"expected {expected:.6g}, got {got:.6g}")
            if any(entry.get("training") for entry in outcome.forward_log):
                raise CheckFailed(f"{what} ran the network in training mode: call net.eval() first "
                                  "(dropout off, batch norm on its running statistics)",
                                  detail=f"expected {expected:.6g}, got {got:.6g}")
            raise CheckFailed(f"{what} is not the fraction of all samples whose argmax prediction "
                              "equals the label (count the correct ones over every batch, divide "
                              "by the number of samples once; it must not depend on the batch size)",
                              detail=f"expected {expected:.6g}, got {got:.6g}")
        if outcome.mutations.state:
            raise CheckFailed(f"{what} changed the network's parameters or buffers (forward passes "
                              "in training mode update the batch-norm running statistics)",
                              detail="changed: " + ", ".join(outcome.mutations.state[:6]))
        graded.append(outcome)
    recorded = [o for o in graded if any(e.get("grad_enabled") and not e.get("inference_mode")
                                         for e in o.forward_log)]
    if recorded:
        score.set(0.5)
        raise CheckFailed("evaluate records gradients in its forward passes: wrap them in "
                          "`with torch.no_grad():` (half of this check's points are kept)")


PUBLIC_EVAL_SPEC = tutorial_net_bn_dropout(seed=41)


@number("2.4")
@weight(0.5)
@partial_credit
def test_evaluate(student, score):
    """evaluate on Net with batch norm and dropout, handed over in training mode, 23 images in
    batches of 5 and of 23: the eval-mode accuracy as a fraction of every sample, no gradients."""
    x, y, expected = evaluation_set(PUBLIC_EVAL_SPEC, 23, 42, (True, False, True, True, False, True, False))
    check_evaluate(student, PUBLIC_EVAL_SPEC, x, y, expected, (5, 23), score,
                   "Net with batch norm and dropout, 23 images")


# ------------------------------------------------------------------------------ 2.4: the checkpoint
@pytest.fixture(scope="module")
def checkpoint_score(student, grading_options) -> CheckpointScore:
    return score_checkpoint(student, grading_options)


@number("2.4")
@partial_credit(3)
def test_checkpoint_accuracy(checkpoint_score, score, feedback):
    """cifar_net.pt: clean accuracy on the CIFAR-10 test set (the rule is set below, from the settings)."""
    award_clean_accuracy(checkpoint_score, CHECKPOINT_RULE, score, feedback)


# The check's name in results.json states the rule of assignment.toml [checks.checkpoint].
test_checkpoint_accuracy.__doc__ = CHECKPOINT_RULE.check_name(
    f"{CHECKPOINT}: clean accuracy of the trained Net on the CIFAR-10 test set", 3)
