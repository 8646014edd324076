"""Hidden checks for Problem 5 (5.b, 5.c): the public properties on inputs the student never saw.

Other seeded All-CNNs (one without normalization inside), other images (some with saturated
pixels), other eps and step counts, and an odd batch size. Expected values come from the reference
solution on the grader's own copy of each model, computed once and stored (`@stored`: they depend
on these inputs only); each step of a multi-step attack is still checked from the student's own
previous image. Messages name the property only.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from autograder.deeplearning import models
from autograder.deeplearning.allcnn import CIFAR10_MEAN, CIFAR10_STD
from autograder.checks import CheckFailed
from autograder.course import find_assignment
from autograder.decorators import number, weight
from autograder.expected_store import stored
from autograder.fixtures import Oracle
from tests.hw2.public.test_problem5 import (
    attack_set, check_adversarial_accuracy, check_attack_trajectory, check_discipline,
    check_gradient, check_signed_step, edge_images, grader_model, interior_images, labels_for,
)

NORMALIZED = models.allcnn(seed=23, mean=CIFAR10_MEAN, std=CIFAR10_STD)
UNNORMALIZED = models.allcnn(seed=17)
OTHER_NORMALIZATION = models.allcnn(seed=29, mean=(0.5, 0.45, 0.4), std=(0.3, 0.2, 0.25))


def reference(function: str, spec: models.ModelSpec, *args: Any) -> Any:
    """The reference solution's problem5.`function`(the grader's model of `spec`, *args): the
    same in every grading, so computed once and stored. The arguments are the checks' own."""
    return _reference(function, spec.as_json(), *args)


@stored
def _reference(function: str, recipe_json: str, *args: Any) -> Any:
    oracle = Oracle(find_assignment("hw2").reference_dir)
    value = getattr(oracle.problem5, function)(grader_model(models.ModelSpec.from_json(recipe_json)), *args)
    return tuple(value) if isinstance(value, (list, tuple)) else value


def oracle_gradient(spec: models.ModelSpec, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    """The reference input_gradient (mean reduction), rescaled to the sum over the batch."""
    return reference("input_gradient", spec, x, y).double().numpy() * len(y)


@number("5.b")
@weight(2.5)
def test_input_gradient_hidden(student):
    """input_gradient on other All-CNNs (with and without normalization inside) and images."""
    for index, (spec, count, seed) in enumerate(((NORMALIZED, 3, 61), (UNNORMALIZED, 2, 62))):
        x = (interior_images if index == 0 else edge_images)(count, seed)
        y = labels_for(spec, x, wrong_every=2)
        outcome = student.call("problem5", "input_gradient", spec, x, y)
        check_discipline(outcome, "input_gradient")
        try:
            check_gradient(outcome.value, oracle_gradient(spec, x, y), "input_gradient")
        except CheckFailed as failure:
            raise CheckFailed(failure.message, detail=f"case {index + 1}: {failure.detail}") from None


@number("5.b")
@weight(2.5)
def test_signed_gradient_attack_hidden(student):
    """signed_gradient_attack with another step count and eps: every step follows the sign of the
    gradient at the image it starts from; losses are the mean losses after each step."""
    x = interior_images(2, seed=63)
    y = labels_for(OTHER_NORMALIZATION, x, wrong_every=2)
    check_attack_trajectory(student, OTHER_NORMALIZATION, x, y, 3 / 255, 3, (1, 2, 3),
                            "signed_gradient_attack", hidden=True)


@number("5.c")
@weight(2.5)
def test_fgsm_hidden(student):
    """fgsm on other All-CNNs and images (some with saturated pixels) and other eps."""
    cases = ((OTHER_NORMALIZATION, edge_images(3, seed=64), 2 / 255),
             (UNNORMALIZED, interior_images(2, seed=65), 16 / 255))
    for index, (spec, x, eps) in enumerate(cases):
        y = labels_for(spec, x, wrong_every=2)
        gradient = oracle_gradient(spec, x, y)
        try:  # the reference's own fgsm passes the check, or the grader is wrong
            check_signed_step(x.double().numpy(), reference("fgsm", spec, x, y, eps),
                              gradient, eps, "the reference fgsm")
        except CheckFailed as failure:
            raise RuntimeError(f"grader bug: {failure}") from None
        outcome = student.call("problem5", "fgsm", spec, x, y, eps)
        check_discipline(outcome, "fgsm")
        try:
            check_signed_step(x.double().numpy(), outcome.value, gradient, eps, "fgsm")
        except CheckFailed as failure:
            raise CheckFailed(failure.message, detail=f"case {index + 1}: {failure.detail}") from None


@number("5.c")
@weight(2.5)
def test_adversarial_accuracy_hidden(student):
    """adversarial_accuracy on another All-CNN and images, with a batch size that leaves a remainder."""
    eps = 0.4 / 255
    expected = attack_set(NORMALIZED, 10, eps, seed=66)
    accuracies = reference("adversarial_accuracy", NORMALIZED, expected.images, expected.labels, eps)
    if not np.allclose(accuracies, (expected.clean_accuracy, expected.adversarial_accuracy)):
        raise RuntimeError("grader bug: the reference disagrees with the grader's own count")
    check_adversarial_accuracy(student, NORMALIZED, expected, eps, (4,),
                               "adversarial_accuracy(hidden case")
