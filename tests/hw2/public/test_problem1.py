"""Public checks for Problem 1: ResNet-18 (torchvision's `resnet18()`, randomly initialised).

- 1.b: `evaluate` returns the eval-mode top-1 accuracy for every batch size, runs every forward
  pass in eval mode with autograd off, and leaves running statistics untouched. The model arrives
  in training mode, so a missing `model.eval()` shows. The inference-mode check pays only when the
  accuracy of that same call is right too: a stub that never runs the model earns nothing.
- 1.c: `parameters_per_layer(resnet18())` is the per-module table derived below from the
  architecture, and `count_parameters` gives 11,689,512.
- 1.e: `split_parameters(resnet18())` returns the model's own parameter objects in three groups,
  each parameter exactly once, batch norm recognised also where it is called `downsample.1`.

Expected values are facts about ResNet-18 (the contract's numbers), not a copy of a solution. The
helpers below are shared with the hidden checks, which apply them to models never shown here.

Points: of 1.b's 2, 0.5 for the accuracy and 0.25 for inference mode here, 1.25 in hidden checks;
of 1.c's 3, 0.75 for the table and 0.5 for the total here, 1.75 hidden; of 1.e's 5, 1.5 for
ResNet-18 here, 3.5 for five unseen models (hidden).
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

import torch

from autograder.deeplearning import models
from autograder.checks import CheckFailed, as_int, as_real, as_tuple, assert_no_mutations, type_name
from autograder.expected_store import stored
from autograder.decorators import number, weight
from autograder.boundary.wire import ParamRef

ACCURACY_TOLERANCE = 1e-6   # 1.b: any real error is a whole image, at least 1/N
MIN_LOGIT_MARGIN = 1e-2     # 1.b: top-2 logit gap of a kept image, far above float32 noise
MAX_SHOWN = 6               # how many offending names a detail lists
GROUPS = ("batchnorm_affine", "biases", "rest")
GROUP_MEANING = {
    "batchnorm_affine": "a batch-norm affine parameter",
    "biases": "the bias of a convolution or linear layer",
    "rest": "a parameter that belongs in rest (neither batch-norm affine nor a convolution/linear bias)",
}

RESNET18 = models.torchvision_model("resnet18", seed=0)
RESNET18_TOTAL = 11_689_512


@functools.lru_cache(maxsize=None)
def _grader_model(recipe_json: str) -> torch.nn.Module:
    return models.build_model(models.ModelSpec.from_json(recipe_json))


def grader_model(spec: models.ModelSpec) -> torch.nn.Module:
    """The grader's own copy of a recipe's model (same seeded weights as the student's); read only."""
    return _grader_model(spec.as_json())


def listing(items: Iterable[str]) -> str:
    items = list(items)
    shown = ", ".join(items[:MAX_SHOWN])
    return shown + (f" ... ({len(items)} in all)" if len(items) > MAX_SHOWN else "")


# ------------------------------------------------------------------------------------- 1.b
def labelled_images(spec: models.ModelSpec, correct: Sequence[bool], image_shape: Sequence[int],
                    seed: int) -> tuple[torch.Tensor, torch.Tensor, float]:
    """(images, labels, eval-mode accuracy) for the recipe's model.

    Candidates whose top-2 eval-mode logits are closer than MIN_LOGIT_MARGIN are dropped, so no
    rounding can flip a prediction; the label is the eval-mode prediction where `correct` says so
    and another class elsewhere.
    """
    model = grader_model(spec)
    generator = torch.Generator().manual_seed(seed)
    candidates = torch.randn(4 * len(correct), *image_shape, generator=generator)
    with torch.no_grad():
        logits = model(candidates).double()
    top2 = logits.topk(2, dim=1)
    keep = (top2.values[:, 0] - top2.values[:, 1] >= MIN_LOGIT_MARGIN).nonzero().flatten()
    if len(keep) < len(correct):
        raise RuntimeError("too few candidate images with a clear prediction; change the seed")
    keep = keep[:len(correct)]
    predicted = top2.indices[keep, 0]
    wrong_class = (predicted + 1) % logits.shape[1]
    labels = torch.where(torch.tensor(list(correct)), predicted, wrong_class)
    return candidates[keep].clone(), labels, sum(correct) / len(correct)


def check_accuracies(values: Mapping[int | None, Any], expected: float, what: str) -> None:
    """Each returned accuracy (keyed by the batch size asked for, None: the default) is a fraction
    in [0, 1], all are equal, and they equal the eval-mode accuracy."""
    accuracies = {}
    for batch_size, value in values.items():
        call = f"{what} with batch_size={batch_size or 100}"
        accuracy = as_real(value, f"the accuracy returned by {call}")
        if not 0.0 <= accuracy <= 1.0:
            raise CheckFailed("evaluate must return a fraction in [0, 1] (not a percentage or a count)",
                              detail=f"{call} returned {accuracy!r}")
        accuracies[call] = accuracy
    shown = "\n".join(f"{call} returned {accuracy!r}" for call, accuracy in accuracies.items())
    truth = f"in eval mode the model classifies a fraction {expected!r} of these images correctly"
    if max(accuracies.values()) - min(accuracies.values()) > ACCURACY_TOLERANCE:
        raise CheckFailed("evaluate's result depends on batch_size (averaging per-batch accuracies, or "
                          "batch norm in training mode, does that): count correct images over all N",
                          detail=f"{shown}\n{truth}")
    if any(abs(accuracy - expected) > ACCURACY_TOLERANCE for accuracy in accuracies.values()):
        raise CheckFailed("evaluate does not return the eval-mode top-1 accuracy (is the model in eval "
                          "mode? is the prediction the argmax of the logits?)", detail=f"{shown}\n{truth}")


def evaluate_accuracies(student: Any, spec: models.ModelSpec, images: torch.Tensor,
                        labels: torch.Tensor, batch_sizes: Sequence[int | None]) -> dict[int | None, Any]:
    """evaluate's return value for each batch size (None: leave the default)."""
    return {batch_size: student.problem1.evaluate(
                spec, images, labels, **({} if batch_size is None else {"batch_size": batch_size}))
            for batch_size in batch_sizes}


def check_inference_discipline(outcome: Any, batch_size: int, expected: float, what: str) -> None:
    """Every forward pass ran in eval mode without autograd, no state or input changed, and the
    call returned the right accuracy: how a value is computed earns nothing when the value is wrong."""
    log = outcome.forward_log
    in_training = [entry for entry in log if entry.get("training")]
    if in_training:
        raise CheckFailed("evaluate ran the model in training mode: call model.eval() before the "
                          "forward passes (batch norm then uses its running statistics, dropout is off)",
                          detail=f"{what}: {len(in_training)} of {len(log)} forward passes in training mode")
    recording = [entry for entry in log if entry.get("grad_enabled")]
    if recording:
        raise CheckFailed("evaluate recorded gradients: run the forward passes under torch.no_grad() "
                          "or torch.inference_mode()",
                          detail=f"{what}: {len(recording)} of {len(log)} forward passes had autograd on")
    if outcome.mutations.state:
        raise CheckFailed("evaluate changed the model's parameters or buffers (batch-norm running "
                          "statistics are updated by forward passes in training mode)",
                          detail=f"{what} changed {listing(outcome.mutations.state)}")
    assert_no_mutations(outcome, "evaluate", allow_training_change=True)
    check_accuracies({batch_size: outcome.value}, expected, what)


@stored  # a ResNet-18 built and run in every grading otherwise
def resnet18_test_set() -> tuple[torch.Tensor, torch.Tensor, float]:
    """Ten 3x32x32 images; six of them ResNet-18 (seed 0) classifies correctly in eval mode."""
    correct = (True, True, True, True, False, True, False, True, False, False)
    return labelled_images(RESNET18, correct, (3, 32, 32), seed=546)


@number("1.b")
@weight(0.5)
def test_evaluate_resnet18_accuracy(student):
    """evaluate(resnet18, 10 images) is the eval-mode top-1 accuracy, 0.6, for batch sizes 4, 3, 100."""
    images, labels, expected = resnet18_test_set()
    values = evaluate_accuracies(student, RESNET18.in_training_mode(), images, labels, (4, 3, None))
    check_accuracies(values, expected, "evaluate(resnet18, 10 images)")


@number("1.b")
@weight(0.25)
def test_evaluate_resnet18_runs_inference(student):
    """evaluate runs ResNet-18 in eval mode without autograd, leaves its running statistics alone,
    and returns the right accuracy from that run."""
    images, labels, expected = resnet18_test_set()
    outcome = student.call("problem1", "evaluate", RESNET18.in_training_mode(), images, labels,
                           batch_size=4)
    check_inference_discipline(outcome, 4, expected,
                               "evaluate(resnet18 in training mode, 10 images, batch_size=4)")


# ------------------------------------------------------------------------------------- 1.c
def resnet18_layer_sizes() -> dict[str, int]:
    """ResNet-18's parameters per module, from its architecture: bias-free 3x3 convolutions in
    four stages of two basic blocks (64, 128, 256, 512 channels), a 1x1 convolution and batch
    norm on the shortcut where the width changes, a 7x7 stem and a 512 -> 1000 linear head."""
    sizes = {"conv1": 3 * 64 * 7 * 7, "bn1": 2 * 64}
    width_in = 64
    for stage, width in enumerate((64, 128, 256, 512), start=1):
        for block in range(2):
            prefix = f"layer{stage}.{block}"
            sizes[f"{prefix}.conv1"] = width_in * width * 3 * 3
            sizes[f"{prefix}.bn1"] = 2 * width
            sizes[f"{prefix}.conv2"] = width * width * 3 * 3
            sizes[f"{prefix}.bn2"] = 2 * width
            if width_in != width:
                sizes[f"{prefix}.downsample.0"] = width_in * width
                sizes[f"{prefix}.downsample.1"] = 2 * width
            width_in = width
    sizes["fc"] = 512 * 1000 + 1000
    return sizes


def check_layer_sizes(value: Any, expected: Mapping[str, int], what: str) -> None:
    """The returned dict has exactly the expected module names and counts."""
    if not isinstance(value, dict):
        raise CheckFailed(f"{what} must return a dict, got {type_name(value)}")
    bad_keys = [key for key in value if not isinstance(key, str)]
    if bad_keys:
        raise CheckFailed(f"the keys of {what} must be module names (str)",
                          detail=f"non-str keys: {listing(map(repr, bad_keys))}")
    got = {}
    for key, count in value.items():
        try:
            got[key] = as_int(count, f"every count in {what}")
        except CheckFailed as error:  # the module name goes to the detail: it may be a hidden input
            raise CheckFailed(error.message, detail=f"the count of {key!r}: {error.detail or ''}") from None
    missing = [key for key in expected if key not in got]
    if missing:
        raise CheckFailed(f"{what} leaves out modules that own parameters directly",
                          detail=f"missing: {listing(repr(key) for key in missing)}")
    extra = [key for key in got if key not in expected]
    if extra:
        raise CheckFailed(f"{what} has entries for modules that own no parameters directly (containers "
                          "count only their own parameters, parameters(recurse=False); modules with "
                          "none are left out)",
                          detail="unexpected: " + listing(f"{key!r}: {got[key]:,}" for key in extra))
    wrong = [key for key in expected if got[key] != expected[key]]
    if wrong:
        raise CheckFailed(f"{what} gives wrong counts for some modules",
                          detail=listing(f"{key!r}: expected {expected[key]:,}, got {got[key]:,}"
                                         for key in wrong))


def check_total(value: Any, expected: int, what: str) -> None:
    total = as_int(value, f"the result of {what}")
    if total != expected:
        raise CheckFailed(f"{what} is wrong (every parameter counts once, frozen and shared ones included)",
                          detail=f"expected {expected:,}, got {total:,}")


@number("1.c")
@weight(0.75)
def test_parameters_per_layer_resnet18(student):
    """parameters_per_layer(resnet18()) maps each of its 41 parameter-owning modules to its own count."""
    check_layer_sizes(student.problem1.parameters_per_layer(RESNET18), resnet18_layer_sizes(),
                      "parameters_per_layer(resnet18())")


@number("1.c")
@weight(0.5)
def test_count_parameters_resnet18(student):
    """count_parameters(resnet18()) is 11,689,512."""
    check_total(student.problem1.count_parameters(RESNET18), RESNET18_TOTAL, "count_parameters(resnet18())")


# ------------------------------------------------------------------------------------- 1.e
def parameter_sizes(spec: models.ModelSpec) -> dict[str, int]:
    """numel of every parameter of a recipe's model, keyed as `named_parameters()` names them."""
    return {name: parameter.numel() for name, parameter in grader_model(spec).named_parameters()}


def read_groups(value: Any, what: str) -> tuple[list[str], ...]:
    """The three returned groups as lists of parameter names, after checking each element."""
    groups = as_tuple(value, f"the result of {what}", 3)
    names: list[list[str]] = []
    for group_name, group in zip(GROUPS, groups):
        if not isinstance(group, (list, tuple)):
            raise CheckFailed(f"{group_name} returned by {what} must be a list of parameters, got "
                              f"{type_name(group)}")
        for element in group:
            if isinstance(element, ParamRef):
                continue
            if isinstance(element, torch.Tensor):
                hint = "a tensor that is not one of the model's parameters (a copy, p.data or p.detach()?)"
            elif isinstance(element, str):
                hint = "a name; return the parameter objects themselves"
            elif isinstance(element, (tuple, list)):
                hint = "a pair or list; return the parameters only, not (name, parameter) pairs"
            else:
                hint = type_name(element)
            raise CheckFailed(f"{group_name} returned by {what} must hold the model's own parameters "
                              f"(nn.Parameter objects), but one element is {hint}")
        names.append([element.name for element in group])
    return tuple(names)


def check_split(value: Any, expected_group: Mapping[str, str], sizes: Mapping[str, int],
                what: str) -> None:
    """Each parameter appears exactly once overall, in the group the contract assigns it."""
    groups = read_groups(value, what)
    counts = Counter(name for group in groups for name in group)
    repeated = [name for name, count in counts.items() if count > 1]
    if repeated:
        raise CheckFailed(f"{what} lists some parameters more than once (a shared parameter is one "
                          "parameter)", detail=f"repeated: {listing(repeated)}")
    missing = [name for name in expected_group if name not in counts]
    if missing:
        raise CheckFailed(f"{what} leaves out some of the model's parameters (frozen ones count too)",
                          detail=f"missing: {listing(missing)}")
    placed = {name: group_name for group_name, group in zip(GROUPS, groups) for name in group}
    misplaced = [name for name in expected_group if placed[name] != expected_group[name]]
    if misplaced:
        first = misplaced[0]
        found = {g: sum(sizes[n] for n in group) for g, group in zip(GROUPS, groups)}
        wanted = {g: sum(sizes[n] for n, e in expected_group.items() if e == g) for g in GROUPS}
        lines = [f"{name} is {GROUP_MEANING[expected_group[name]]} but was put in {placed[name]}"
                 for name in misplaced[:MAX_SHOWN]]
        if len(misplaced) > MAX_SHOWN:
            lines.append(f"... {len(misplaced)} misplaced parameters in all")
        lines.append("elements per group: expected " + ", ".join(f"{g} {wanted[g]:,}" for g in GROUPS)
                     + "; got " + ", ".join(f"{g} {found[g]:,}" for g in GROUPS))
        raise CheckFailed(f"{what} misplaces parameters: {GROUP_MEANING[expected_group[first]]} "
                          f"was put in {placed[first]}", detail="\n".join(lines))


_RESNET18_BATCHNORM = re.compile(r"^(bn1|layer\d\.\d\.bn\d|layer\d\.0\.downsample\.1)\.(weight|bias)$")


def resnet18_group(name: str) -> str:
    """ResNet-18's modules by name: batch norm is bn* and downsample.1; only fc has a bias."""
    if _RESNET18_BATCHNORM.match(name):
        return "batchnorm_affine"
    return "biases" if name == "fc.bias" else "rest"


@number("1.e")
@weight(1.5)
def test_split_parameters_resnet18(student):
    """split_parameters(resnet18()) groups all 62 parameters: 9,600 / 1,000 / 11,678,912 elements."""
    sizes = parameter_sizes(RESNET18)
    check_split(student.problem1.split_parameters(RESNET18),
                {name: resnet18_group(name) for name in sizes}, sizes, "split_parameters(resnet18())")
