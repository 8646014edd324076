"""Hidden checks for Problem 1 on models the student has never seen.

The properties are the public ones (tests/public/test_problem1.py); the models are chosen to
break what name-based or ResNet-only solutions get wrong:

- batch norm under other names and classes (a renamed subclass, numeric names, BatchNorm1d/3d,
  SyncBatchNorm, `affine=False` layers that own no parameters);
- other layers with a `bias`: 1-D/3-D and transposed convolutions, `Linear` with and without
  bias, and LayerNorm/GroupNorm/InstanceNorm, whose parameters are not batch norm;
- modules that own parameters directly (a container with raw parameters named `weight` and
  `bias`, a nested container owning parameters beside its children, `ScaleShift`), shared
  parameters (weight tying) and frozen ones;
- two torchvision models (MobileNetV2: batch norm named `features.0.1`; SqueezeNet: biased
  convolutions, no batch norm).

Expected values come from the reference (`oracle`) on the grader's own copy of each model.
Messages name the property only; which model and which parameter go to the (hidden) detail.
Points: 1.b 0.75 (accuracy for four batch sizes) + 0.5 (inference mode, and the right accuracy
from that run); 1.c 1.0
(parameters_per_layer) + 0.75 (count_parameters), each over three models; 1.e 3.5 over five
models. A parametrized check's cases share its points evenly.
"""
from __future__ import annotations

import pytest
import torch

from autograder.deeplearning import models
from autograder.decorators import number, weight
from tests.hw2.public.test_problem1 import (
    check_accuracies, check_inference_discipline, check_layer_sizes, check_split, check_total,
    evaluate_accuracies, grader_model, labelled_images, parameter_sizes,
)

# ------------------------------------------------------------------------------------- models
SMALL_CLASSIFIER = models.layers([
    ("conv", "Conv2d", dict(in_channels=3, out_channels=6, kernel_size=3, padding=1)),
    ("norm", "BatchNorm2d", dict(num_features=6)),
    ("drop", "Dropout", dict(p=0.5)),
    ("flat", "Flatten", {}),
    ("head", "Linear", dict(in_features=6 * 8 * 8, out_features=5)),
], seed=7, randomize_buffers=True)

BATCHNORM_ELSEWHERE = models.layers([
    ("stem", "Conv2d", dict(in_channels=3, out_channels=4, kernel_size=3, bias=True)),
    ("norm", "RenamedBatchNorm2d", dict(num_features=4)),
    ("shortcut", [("0", "Conv2d", dict(in_channels=4, out_channels=6, kernel_size=1, bias=False)),
                  ("1", "BatchNorm2d", dict(num_features=6))]),
    ("plain", "BatchNorm2d", dict(num_features=6, affine=False)),
    ("seq", "BatchNorm1d", dict(num_features=5)),
    ("volume", "BatchNorm3d", dict(num_features=3)),
    ("synced", "SyncBatchNorm", dict(num_features=2)),
    ("fc", "Linear", dict(in_features=6, out_features=3)),
], seed=11)

OTHER_LAYERS = models.layers([
    ("signal", "Conv1d", dict(in_channels=2, out_channels=3, kernel_size=3)),
    ("cube", "Conv3d", dict(in_channels=1, out_channels=2, kernel_size=2)),
    ("up", "ConvTranspose2d", dict(in_channels=3, out_channels=2, kernel_size=2)),
    ("proj", "Linear", dict(in_features=4, out_features=4, bias=False)),
    ("fc", "Linear", dict(in_features=4, out_features=2)),
    ("ln", "LayerNorm", dict(normalized_shape=4)),
    ("gn", "GroupNorm", dict(num_groups=2, num_channels=4)),
    ("inorm", "InstanceNorm2d", dict(num_features=3, affine=True)),
    ("prelu", "PReLU", dict(num_parameters=3)),
    ("embed", "Embedding", dict(num_embeddings=5, embedding_dim=2)),
], seed=12)

RAW_TIED_FROZEN = models.layers([
    ("encoder", "Linear", dict(in_features=6, out_features=6)),
    ("affine", "ScaleShift", dict(num_features=6)),
    ("block", {"children": [("conv_a", "Conv1d", dict(in_channels=6, out_channels=4, kernel_size=1)),
                            ("conv_b", "Conv1d", dict(in_channels=6, out_channels=4, kernel_size=1)),
                            ("bn", "BatchNorm1d", dict(num_features=4))],
               "parameters": {"bias": [4], "gain": [2, 2]}}),
    ("decoder", "Linear", dict(in_features=6, out_features=6)),
], seed=13, parameters={"weight": [3], "bias": [3]},
    tie={"decoder.weight": "encoder.weight", "block.conv_b.bias": "block.conv_a.bias"},
    frozen=["encoder.bias", "block.bn.weight", "block.conv_a.weight", "bias"])

MOBILENET_V2 = models.torchvision_model("mobilenet_v2", seed=3)
SQUEEZENET = models.torchvision_model("squeezenet1_0", seed=4)


def expected_groups(oracle, spec: models.ModelSpec) -> dict[str, str]:
    """The reference's group of every parameter name of the grader's copy of the model."""
    model = grader_model(spec)
    names = {id(parameter): name for name, parameter in model.named_parameters()}
    groups = oracle.problem1.split_parameters(model)
    return {names[id(p)]: group for group, members in zip(("batchnorm_affine", "biases", "rest"), groups)
            for p in members}


# ------------------------------------------------------------------------------------- 1.b
# 15 of 23 right; the last, short batch of 5 holds none, so per-batch averaging shows.
HIDDEN_CORRECT = (True, True, False, True, True, True, False, True, True, True,
                  True, True, False, True, False, True, True, True, False, True,
                  False, False, False)


def small_classifier_set() -> tuple[torch.Tensor, torch.Tensor, float]:
    return labelled_images(SMALL_CLASSIFIER, HIDDEN_CORRECT, (3, 8, 8), seed=2046)


@number("1.b")
@weight(0.75)
def test_evaluate_unseen_model_accuracy(student):
    """evaluate returns the eval-mode top-1 accuracy of an unseen model with batch norm and dropout,
    whatever the batch size."""
    images, labels, expected = small_classifier_set()
    values = evaluate_accuracies(student, SMALL_CLASSIFIER.in_training_mode(), images, labels,
                                 (5, 1, 23, None))
    check_accuracies(values, expected, "evaluate(unseen model, 23 images)")


@number("1.b")
@weight(0.5)
def test_evaluate_unseen_model_runs_inference(student):
    """evaluate runs an unseen model in eval mode without autograd, leaves its running statistics
    alone, and returns the right accuracy from that run."""
    images, labels, expected = small_classifier_set()
    outcome = student.call("problem1", "evaluate", SMALL_CLASSIFIER.in_training_mode(), images,
                           labels, batch_size=6)
    check_inference_discipline(outcome, 6, expected, "evaluate(unseen model, 23 images, batch_size=6)")


# ------------------------------------------------------------------------------------- 1.c
COUNTED_MODELS = [pytest.param(RAW_TIED_FROZEN, id="raw-tied-frozen"),
                  pytest.param(BATCHNORM_ELSEWHERE, id="batchnorm-elsewhere"),
                  pytest.param(MOBILENET_V2, id="mobilenet-v2")]


@number("1.c")
@weight(1.0)
@pytest.mark.parametrize("spec", COUNTED_MODELS)
def test_parameters_per_layer_unseen_model(student, oracle, spec):
    """parameters_per_layer counts, for every module owning parameters directly, only its own
    parameters (containers, raw parameters and shared weights included)."""
    expected = oracle.problem1.parameters_per_layer(grader_model(spec))
    check_layer_sizes(student.problem1.parameters_per_layer(spec), expected,
                      "parameters_per_layer on an unseen model")


@number("1.c")
@weight(0.75)
@pytest.mark.parametrize("spec", COUNTED_MODELS)
def test_count_parameters_unseen_model(student, oracle, spec):
    """count_parameters counts every parameter once: frozen ones included, shared ones once."""
    expected = oracle.problem1.count_parameters(grader_model(spec))
    check_total(student.problem1.count_parameters(spec), expected, "count_parameters on an unseen model")


# ------------------------------------------------------------------------------------- 1.e
@number("1.e")
@weight(3.5)
@pytest.mark.parametrize("spec", [
    pytest.param(BATCHNORM_ELSEWHERE, id="batchnorm-elsewhere"),
    pytest.param(OTHER_LAYERS, id="other-layers"),
    pytest.param(RAW_TIED_FROZEN, id="raw-tied-frozen"),
    pytest.param(MOBILENET_V2, id="mobilenet-v2"),
    pytest.param(SQUEEZENET, id="squeezenet"),
])
def test_split_parameters_unseen_model(student, oracle, spec):
    """split_parameters places every parameter of an unseen model exactly once, by the type of the
    layer that owns it."""
    check_split(student.problem1.split_parameters(spec), expected_groups(oracle, spec),
                parameter_sizes(spec), "split_parameters on an unseen model")
