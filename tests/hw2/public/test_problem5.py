"""Public checks for Problem 5: the trained All-CNN (5.a) and the attack functions (5.b, 5.c).

- 5.a (20 points, one check): the checkpoint `allcnn.pt` is read without running code, loaded into
  the grader's own All-CNN and scored by its clean accuracy on the CIFAR-10 test set, in float32:
  all 20 points at `full_credit_accuracy` (88%) or more, none at `zero_credit_accuracy` (30%,
  above what untrained networks reach; the reason is in assignment.toml) or less, linear in
  between; the check's name states both, read from the settings. Its clean and one-step FGSM
  (eps = 8/255, clipped to [0, 1]) accuracies go to the leaderboard (the second check, worth 0
  points, reports the FGSM one, over the first 1,000 images when the grader has no GPU).
- 5.b / 5.c (10 points each, half here, half in the hidden checks): each function runs on the
  grader's seeded All-CNN, which normalizes its [0, 1] input inside, in eval mode. Every signed
  step is checked on its own: the pixels must move by exactly eps (clipping to [0, 1] allowed) in
  the direction of the sign of the loss gradient *at the image the step starts from*, computed
  here by autograd. Entries whose gradient is negligible (below NEAR_ZERO of the image's largest)
  may go either way, since mean/sum reduction, `log_softmax` + `nll_loss` and float64 round them
  differently; so may MAX_SIGN_MISMATCH of the others (a ReLU input at its kink rounds either
  way). `input_gradient` may be that of the mean or of the sum; the attack's losses may be means
  or sums. Forward passes must run in eval mode and change no state.

The helpers are shared with the hidden checks, which use other seeds, sizes and eps.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.deeplearning import models
from autograder.deeplearning.adversarial import EPS_8_OF_255
from autograder.deeplearning.allcnn import CIFAR10_MEAN, CIFAR10_STD, calibration_images
from autograder.checks import CheckFailed, as_array, as_real, as_tuple, assert_no_mutations
from autograder.decorators import leaderboard, number, partial_credit, weight
from autograder.expected_store import stored
from autograder.deeplearning.accuracy_credit import CheckpointScore, award_clean_accuracy
from tests.hw2.checkpoint_grading import score_checkpoint
from tests.hw2.settings import CHECKPOINT_RULE

NEAR_ZERO = 1e-3                   # |gradient| below this fraction of the image's largest: either sign
STEP_TOLERANCE = 1e-3              # a step may differ from eps by this fraction of eps (rounding)
MAX_SIGN_MISMATCH = 5e-3           # fraction of non-negligible entries allowed the other sign
GRADIENT_RTOL = 5e-3               # input_gradient: relative error allowed, in norm
LOSS_RTOL = 1e-3
MIN_LOGIT_MARGIN = 2e-2            # adversarial_accuracy images: no rounding flips a prediction

PUBLIC_MODEL = models.allcnn(seed=5, mean=CIFAR10_MEAN, std=CIFAR10_STD)


# ------------------------------------------------------------------------------ the grader's model
@functools.lru_cache(maxsize=None)
def _grader_model(recipe_json: str) -> torch.nn.Module:
    return models.build_model(models.ModelSpec.from_json(recipe_json))


def grader_model(spec: models.ModelSpec) -> torch.nn.Module:
    """The grader's own copy of the recipe's model, in eval mode; read only."""
    return _grader_model(spec.as_json())


def interior_images(count: int, seed: int) -> torch.Tensor:
    """Images with every pixel in [0.2, 0.8]: five steps of 8/255 never reach 0 or 1."""
    return 0.2 + 0.6 * calibration_images(count, seed)


def edge_images(count: int, seed: int) -> torch.Tensor:
    """Images with many pixels exactly 0 or 1, where a step may be clipped."""
    return (1.8 * calibration_images(count, seed) - 0.4).clamp(0, 1)


def loss_gradient(spec: models.ModelSpec, x: torch.Tensor | np.ndarray, y: torch.Tensor) -> np.ndarray:
    """d(sum of cross-entropies)/dx on the grader's model, float64 NumPy."""
    x = torch.as_tensor(x, dtype=torch.float32).clone().requires_grad_(True)
    with torch.enable_grad():
        loss = F.cross_entropy(grader_model(spec)(x), y, reduction="sum")
        (gradient,) = torch.autograd.grad(loss, x)
    return gradient.double().numpy()


def mean_loss(spec: models.ModelSpec, x: np.ndarray, y: torch.Tensor) -> float:
    with torch.no_grad():
        return float(F.cross_entropy(grader_model(spec)(torch.as_tensor(x, dtype=torch.float32)), y))


# ------------------------------------------------------------------------------ shared checks
def check_discipline(outcome: Any, what: str) -> None:
    """Forward passes in eval mode; parameters, buffers, modes and inputs unchanged."""
    in_training = [entry for entry in outcome.forward_log if entry.get("training")]
    if in_training:
        raise CheckFailed(
            f"{what} ran the model in training mode: the model arrives in eval mode and must stay "
            "so (batch norm must use its running statistics, dropout must be off)",
            detail=f"{len(in_training)} of {len(outcome.forward_log)} forward passes in training mode")
    if outcome.mutations.state:
        raise CheckFailed(f"{what} changed the model's parameters or buffers (batch-norm running "
                          "statistics change in forward passes in training mode)",
                          detail="changed: " + ", ".join(outcome.mutations.state[:6]))
    assert_no_mutations(outcome, what)


def check_gradient(value: Any, expected_sum: np.ndarray, what: str) -> None:
    """`value` is the gradient of the summed loss, or of the mean (1/N of it)."""
    got = as_array(value, what, shape=expected_sum.shape)
    count = expected_sum.shape[0]
    scale = float(np.vdot(got, expected_sum) / np.vdot(expected_sum, expected_sum))
    if not np.any(got):
        raise CheckFailed(f"{what} is all zeros")
    if scale < 0:
        raise CheckFailed(f"{what} points the wrong way: it must be the gradient of the loss "
                          "(not of its negative)", detail=f"fitted scale {scale:.4g}")
    target = min((1.0, 1.0 / count), key=lambda c: abs(np.log(max(scale, 1e-300) / c)))
    error = np.linalg.norm(got - target * expected_sum) / np.linalg.norm(target * expected_sum)
    if error > GRADIENT_RTOL:
        raise CheckFailed(
            f"{what} is not the gradient of the cross-entropy loss with respect to the input "
            "images (mean or sum over the batch)",
            detail=f"relative error {error:.3g} against the gradient of the "
                   f"{'sum' if target == 1.0 else 'mean'} (fitted scale {scale:.4g})")


def check_signed_step(before: np.ndarray, after: Any, gradient: np.ndarray, eps: float,
                      what: str, hint: str = "") -> np.ndarray:
    """`after` is `before + eps * sign(gradient)`, clipped to [0, 1] or not; returns it as NumPy.

    Entries with a negligible gradient may move by eps either way or stay; at most
    MAX_SIGN_MISMATCH of the others may disagree (activations at a ReLU kink can round either way).
    """
    after = as_array(after, what, shape=before.shape)
    tolerance = STEP_TOLERANCE * eps
    sign = np.sign(gradient)
    largest = np.abs(gradient).reshape(len(gradient), -1).max(axis=1)
    negligible = np.abs(gradient) <= NEAR_ZERO * largest.reshape((-1,) + (1,) * (gradient.ndim - 1))

    def reaches(direction: np.ndarray) -> np.ndarray:
        step = before + eps * direction
        return (np.abs(after - step) <= tolerance) | (np.abs(after - np.clip(step, 0, 1)) <= tolerance)

    right = reaches(sign) | (negligible & (reaches(-sign) | reaches(np.zeros_like(sign))))
    significant = ~negligible
    wrong_share = float(np.mean(~right[significant])) if significant.any() else 0.0
    if wrong_share <= MAX_SIGN_MISMATCH:
        return after
    free = significant & (np.abs(np.clip(before + eps * sign, 0, 1) - before) > tolerance)
    moved = np.abs(after - before)[free]
    typical = float(np.median(moved)) / eps if moved.size else 1.0
    if abs(typical - 1.0) > 0.05:
        raise CheckFailed(
            f"{what} does not move each pixel by exactly eps: the step is eps * sign(gradient) on "
            "the [0, 1] images the model takes (its normalization is inside it, so eps must not "
            "be applied to normalized images or scaled by the standard deviation)",
            detail=f"the typical pixel moved by {typical:.4g} * eps")
    backwards = float(np.mean(reaches(-sign)[significant]))
    if backwards > 0.5:
        raise CheckFailed(f"{what} steps against the gradient on most pixels: the attack must "
                          "increase the loss (x + eps * sign(gradient), not minus)",
                          detail=f"{backwards:.1%} of the pixels moved the wrong way")
    raise CheckFailed(
        f"{what} does not move the pixels in the direction of sign(dloss/dx) at the image the step "
        f"starts from{hint}",
        detail=f"{wrong_share:.2%} of the pixels with a non-negligible gradient are wrong "
               f"(at most {MAX_SIGN_MISMATCH:.1%} may differ)")


def as_vector(value: Any, what: str, length: int) -> np.ndarray:
    """A tensor, array, list or tuple of `length` real numbers, as float64 NumPy."""
    if isinstance(value, (list, tuple)):
        value = np.array([as_real(v, f"an entry of {what}") for v in value], dtype=np.float64)
    return as_array(value, what, shape=(length,))


# ------------------------------------------------------------------------------ 5.b: input_gradient
def labels_for(spec: models.ModelSpec, x: torch.Tensor, wrong_every: int = 3) -> torch.Tensor:
    """The model's predictions, with every `wrong_every`-th label moved to another class (the
    checks' own images only: stored, read only)."""
    return _labels_for(spec.as_json(), x, wrong_every)


@stored
def _labels_for(recipe_json: str, x: torch.Tensor, wrong_every: int) -> torch.Tensor:
    with torch.no_grad():
        labels = grader_model(models.ModelSpec.from_json(recipe_json))(x).argmax(1)
    labels[::wrong_every] = (labels[::wrong_every] + 3) % 10
    return labels


def check_input_gradient(student: Any, spec: models.ModelSpec, x: torch.Tensor, y: torch.Tensor,
                         expected_sum: np.ndarray, what: str) -> None:
    outcome = student.call("problem5", "input_gradient", spec, x, y)
    check_discipline(outcome, "input_gradient")
    check_gradient(outcome.value, expected_sum, what)


@number("5.b")
@weight(2.5)
def test_input_gradient_public(student):
    """input_gradient(All-CNN, 3 images) is dloss/dx (mean or sum), in eval mode, changing nothing."""
    x = interior_images(3, seed=51)
    y = labels_for(PUBLIC_MODEL, x)
    check_input_gradient(student, PUBLIC_MODEL, x, y, loss_gradient(PUBLIC_MODEL, x, y),
                         "input_gradient(All-CNN seed 5, 3 images in [0.2, 0.8])")


# ------------------------------------------------------------------------------ 5.b: signed attack
@dataclass
class AttackRuns:
    """The student's images and losses after k steps, for each step count k it was called with."""

    images: dict[int, np.ndarray]
    losses: dict[int, np.ndarray]


def run_attack(student: Any, spec: models.ModelSpec, x: torch.Tensor, y: torch.Tensor, eps: float,
               steps: int | None, checked: Sequence[int], what: str, *, hidden: bool) -> AttackRuns:
    """Call the attack with every step count the checks of `checked` steps need, and the final
    one (`steps`, or the default 5 when None); each result is validated as plain data."""
    final = steps or 5
    counts = sorted(set(checked) | {k - 1 for k in checked if k > 1} | {final})
    runs = AttackRuns(images={0: x.double().numpy()}, losses={})
    for count in counts:
        keyword = {} if (steps is None and count == final) else {"steps": count}
        label = what if hidden else f"signed_gradient_attack(..., steps={count})"
        outcome = student.call("problem5", "signed_gradient_attack", spec, x, y, eps, **keyword)
        check_discipline(outcome, "signed_gradient_attack")
        x_adv, step_losses = as_tuple(outcome.value, f"the result of {label}", 2)
        runs.images[count] = as_array(x_adv, f"x_adv of {label}", shape=tuple(x.shape))
        runs.losses[count] = as_vector(step_losses, f"losses of {label}", count)
    return runs


def check_attack_runs(runs: AttackRuns, spec: models.ModelSpec, y: torch.Tensor, eps: float,
                      checked: Sequence[int], what: str, *, hidden: bool) -> None:
    """Step k is checked from the student's own image after k - 1 steps (from the call with k - 1
    steps), so one legitimately different rounding early on cannot spoil later checks; every loss
    is checked against the student's own images. `hidden`: messages name no step count."""
    images = runs.images
    for k in checked:
        check_signed_step(images[k - 1], images[k], loss_gradient(spec, images[k - 1], y), eps,
                          what if hidden else f"step {k} of {what}",
                          hint=" (recompute the gradient at every step, at the perturbed image)")
    for k, losses in runs.losses.items():
        for index in range(k):
            if index + 1 not in images:
                continue
            expected = mean_loss(spec, images[index + 1], y)
            got = losses[index]
            if not any(abs(got - e) <= LOSS_RTOL * abs(e) + 1e-5 for e in (expected, len(y) * expected)):
                raise CheckFailed(
                    "losses[i] of signed_gradient_attack must be the mean cross-entropy on the "
                    "images after step i + 1",
                    detail=f"steps={k}: losses[{index}] is {got:.6g}; on the images after step "
                           f"{index + 1} the mean loss is {expected:.6g}")


def check_attack_trajectory(student: Any, spec: models.ModelSpec, x: torch.Tensor, y: torch.Tensor,
                            eps: float, steps: int | None, checked: Sequence[int], what: str,
                            *, hidden: bool = False) -> AttackRuns:
    """Call the attack with several step counts and check each step in `checked` on its own."""
    runs = run_attack(student, spec, x, y, eps, steps, checked, what, hidden=hidden)
    check_attack_runs(runs, spec, y, eps, checked, what, hidden=hidden)
    return runs


def grader_attack_losses(spec: models.ModelSpec, x: torch.Tensor, y: torch.Tensor, eps: float,
                         steps: int) -> list[float]:
    """The grader's own signed-gradient attack: mean loss after each of `steps` clipped steps."""
    return _grader_attack_losses(spec.as_json(), x, y, eps, steps)


@stored
def _grader_attack_losses(recipe_json: str, x: torch.Tensor, y: torch.Tensor, eps: float,
                          steps: int) -> list[float]:
    spec = models.ModelSpec.from_json(recipe_json)
    image, losses = x.double().numpy(), []
    for _ in range(steps):
        image = np.clip(image + eps * np.sign(loss_gradient(spec, image, y)), 0, 1)
        losses.append(mean_loss(spec, image, y))
    return losses


def plot_loss_curves(feedback: Any, student_losses: np.ndarray, grader_losses: Sequence[float],
                     count: int, title: str) -> None:
    """Attach the student's loss curve beside the grader's (a public check's inputs only)."""
    from autograder.feedback import Series, line_plot_png

    shown, label = student_losses, "your losses"
    ratio = np.median(student_losses / np.asarray(grader_losses))
    if abs(ratio - count) < 0.01 * count and count > 1:  # summed losses: accepted, drawn as means
        shown, label = student_losses / count, f"your losses / {count} (they are sums)"
    curves = [Series("grader's attack", grader_losses, style="-s", linewidth=4, markersize=8),
              Series(label, shown, style="-o")]
    png = line_plot_png(curves,
                        title=title, xlabel="step", ylabel="mean cross-entropy")
    feedback.figure(png, alt=f"{title}: the loss after each step, yours beside the grader's",
                    name="5.b-loss-curve")
    feedback.note("The figure shows the loss after each step of your attack beside the grader's "
                  "own attack on the same model and images; the two curves should lie on top of "
                  "each other, rising with each step.")


@number("5.b")
@weight(2.5)
def test_signed_gradient_attack_public(student, feedback):
    """signed_gradient_attack(All-CNN, 2 images, 8/255): steps 1 and 2 follow the sign of the
    gradient at their starting image, 5 steps by default; losses are the mean losses after each."""
    x = interior_images(2, seed=52)
    y = labels_for(PUBLIC_MODEL, x)
    what = "signed_gradient_attack(All-CNN seed 5, 2 images, eps=8/255)"
    runs = run_attack(student, PUBLIC_MODEL, x, y, EPS_8_OF_255, None, (1, 2), what, hidden=False)
    try:
        check_attack_runs(runs, PUBLIC_MODEL, y, EPS_8_OF_255, (1, 2), what, hidden=False)
    finally:  # the plot helps most when a loss is wrong
        plot_loss_curves(feedback, runs.losses[5], grader_attack_losses(PUBLIC_MODEL, x, y, EPS_8_OF_255, 5),
                         len(y), "signed_gradient_attack, All-CNN seed 5, eps=8/255")


# ------------------------------------------------------------------------------ 5.c: fgsm
def check_fgsm(student: Any, spec: models.ModelSpec, x: torch.Tensor, y: torch.Tensor, eps: float,
               gradient: np.ndarray, what: str) -> None:
    outcome = student.call("problem5", "fgsm", spec, x, y, eps)
    check_discipline(outcome, "fgsm")
    check_signed_step(x.double().numpy(), outcome.value, gradient, eps, what)


@number("5.c")
@weight(2.5)
def test_fgsm_public(student):
    """fgsm(All-CNN, 3 images with saturated pixels, 8/255) is x + eps * sign(dloss/dx), clipped or not."""
    x = edge_images(3, seed=53)
    y = labels_for(PUBLIC_MODEL, x)
    check_fgsm(student, PUBLIC_MODEL, x, y, EPS_8_OF_255, loss_gradient(PUBLIC_MODEL, x, y),
               "fgsm(All-CNN seed 5, 3 images, eps=8/255)")


# ------------------------------------------------------------------------------ 5.c: adversarial_accuracy
@dataclass(frozen=True)
class AttackSet:
    images: torch.Tensor
    labels: torch.Tensor
    clean_accuracy: float
    adversarial_accuracy: float


def _margins(logits: torch.Tensor) -> torch.Tensor:
    top2 = logits.double().topk(2, dim=1).values
    return top2[:, 0] - top2[:, 1]


@stored  # seconds of forward and backward passes, the same in every grading
def _attack_set(recipe_json: str, count: int, eps: float, seed: int) -> tuple[Any, ...]:
    spec = models.ModelSpec.from_json(recipe_json)
    model = grader_model(spec)
    candidates = interior_images(3 * count, seed)
    with torch.no_grad():
        clean_logits = model(candidates)
    labels = clean_logits.argmax(1)
    wrong = torch.arange(len(labels)) % 3 == 2  # a third of them labelled with the runner-up
    labels = torch.where(wrong, clean_logits.topk(2, dim=1).indices[:, 1], labels)
    step = torch.from_numpy(np.sign(loss_gradient(spec, candidates, labels))).float()
    with torch.no_grad():
        adversarial_logits = model(candidates + eps * step)
    clear = (_margins(clean_logits) >= MIN_LOGIT_MARGIN) & (_margins(adversarial_logits) >= MIN_LOGIT_MARGIN)
    clean_right = clean_logits.argmax(1) == labels
    adversarial_right = adversarial_logits.argmax(1) == labels
    kinds = [clear & clean_right & adversarial_right, clear & clean_right & ~adversarial_right,
             clear & ~clean_right]
    chosen: list[int] = []
    pools = [kind.nonzero().flatten().tolist() for kind in kinds]
    while len(chosen) < count and any(pools):  # round robin over the kinds
        for pool in pools:
            if pool and len(chosen) < count:
                chosen.append(pool.pop(0))
    if len(chosen) < count or not all(kind[chosen].any() for kind in kinds):
        raise RuntimeError("too few clear candidates of every kind; change the seed or eps")
    index = torch.tensor(sorted(chosen))
    return (candidates[index].clone(), labels[index].clone(),
            float(clean_right[index].double().mean()), float(adversarial_right[index].double().mean()))


def attack_set(spec: models.ModelSpec, count: int, eps: float, seed: int) -> AttackSet:
    """`count` images with clear predictions, clean and after FGSM, of three kinds: right before
    and after the attack, right only before, wrong before; with the accuracies they give."""
    return AttackSet(*_attack_set(spec.as_json(), count, eps, seed))


def check_accuracies(value: Any, expected: AttackSet, what: str) -> None:
    clean, adversarial = (as_real(v, f"an accuracy returned by {what}")
                          for v in as_tuple(value, f"the result of {what}", 2))
    if not (0 <= clean <= 1 and 0 <= adversarial <= 1):
        raise CheckFailed("adversarial_accuracy must return two fractions in [0, 1] (not "
                          "percentages or counts)", detail=f"{what} returned ({clean!r}, {adversarial!r})")
    if abs(clean - expected.clean_accuracy) > 1e-6:
        raise CheckFailed("the clean accuracy from adversarial_accuracy is not the eval-mode top-1 "
                          "accuracy over all the images (count correct images over all N; do not "
                          "average per-batch accuracies)",
                          detail=f"{what}: got {clean!r}, expected {expected.clean_accuracy!r}")
    if abs(adversarial - expected.adversarial_accuracy) > 1e-6:
        raise CheckFailed("the adversarial accuracy from adversarial_accuracy is not the accuracy "
                          "on the one-step FGSM images of all the images (attack every image, "
                          "including misclassified ones; divide by N)",
                          detail=f"{what}: got {adversarial!r}, expected {expected.adversarial_accuracy!r}")


def check_adversarial_accuracy(student: Any, spec: models.ModelSpec, expected: AttackSet, eps: float,
                               batch_sizes: Sequence[int | None], what: str) -> None:
    for batch_size in batch_sizes:
        keyword = {} if batch_size is None else {"batch_size": batch_size}
        label = f"{what}, batch_size={batch_size or 100})"
        outcome = student.call("problem5", "adversarial_accuracy", spec, expected.images,
                               expected.labels, eps, **keyword)
        check_discipline(outcome, "adversarial_accuracy")
        check_accuracies(outcome.value, expected, label)


@number("5.c")
@weight(2.5)
def test_adversarial_accuracy_public(student):
    """adversarial_accuracy(All-CNN, 8 images, eps=0.5/255) gives the clean and FGSM accuracies
    for batch sizes 3 and 100, in eval mode."""
    eps = 0.5 / 255
    expected = attack_set(PUBLIC_MODEL, 8, eps, seed=54)
    check_adversarial_accuracy(student, PUBLIC_MODEL, expected, eps, (3, None),
                               "adversarial_accuracy(All-CNN seed 5, 8 images, eps=0.5/255")


# ------------------------------------------------------------------------------ 5.a: the checkpoint
@pytest.fixture(scope="module")
def checkpoint_score(student, grading_options) -> CheckpointScore:
    return score_checkpoint(student, grading_options)


@number("5.a")
@partial_credit(20)
@leaderboard("Clean accuracy (%)")
def test_checkpoint_clean_accuracy(checkpoint_score, grading_options, score, leaderboard_value,
                                   feedback):
    """allcnn.pt: clean accuracy on the CIFAR-10 test set (the rule is set below, from the settings)."""
    if checkpoint_score.result is not None:
        leaderboard_value.set(round(100 * checkpoint_score.result.clean_accuracy, 2))
    award_clean_accuracy(checkpoint_score, CHECKPOINT_RULE, score, feedback)


# The check's name in results.json states the rule of assignment.toml [checks.checkpoint].
test_checkpoint_clean_accuracy.__doc__ = CHECKPOINT_RULE.check_name(
    "allcnn.pt: clean accuracy on the CIFAR-10 test set", 20)


@number("5.a")
@weight(0)
@leaderboard("FGSM accuracy, eps=8/255 (%)")
def test_checkpoint_fgsm_accuracy(checkpoint_score, leaderboard_value):
    """allcnn.pt: one-step FGSM (eps = 8/255) accuracy, for the leaderboard only (0 points)."""
    if checkpoint_score.failure:
        raise checkpoint_score.failure
    result = checkpoint_score.result
    leaderboard_value.set(round(100 * result.adversarial_accuracy, 2))
