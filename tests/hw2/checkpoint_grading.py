"""Part 5.a's scoring of the student's `allcnn.pt`: read in the worker, loaded here, evaluated once.

Support code of HW2's checks (`public/test_problem5.py`), built from the engine's deep-learning
blocks: the safe checkpoint reader (a worker task), the All-CNN, CIFAR-10 and the batched clean +
FGSM evaluation.
"""
from __future__ import annotations

from typing import Any

from autograder.deeplearning.adversarial import (
    ATTACKED_IMAGES_ON_CPU, EPS_8_OF_255, MAX_CHECKPOINT_BYTES, batch_statistics_accuracy, channel_statistics,
    evaluate, pick_device, read_test_set,
)
from autograder.deeplearning.checkpoint import CheckpointError, load_into_allcnn
from autograder.deeplearning.accuracy_credit import CheckpointScore
from autograder.errors import CheckFailed

CHECKPOINT = "allcnn.pt"
DIAGNOSTIC_IMAGES = 1000


def score_checkpoint(student: Any, options: Any) -> CheckpointScore:
    """Read the checkpoint in the worker, load it here, evaluate it: once per run.

    `options` has `data_dir`, `eval_limit` and `device` (the `grading_options` fixture). Every
    way the checkpoint or the data can be unusable becomes `failure`, a message, never a crash.
    """
    try:
        raw = student.read_checkpoint(CHECKPOINT, max_bytes=MAX_CHECKPOINT_BYTES)
        model = load_into_allcnn(raw)
        split = read_test_set(options.data_dir, options.eval_limit)
    except CheckpointError as error:
        return CheckpointScore(None, (), failure=CheckFailed(f"{CHECKPOINT} cannot be used: {error}"))
    except CheckFailed as error:
        return CheckpointScore(None, (), failure=error)
    notes = [str(note) for note in raw.get("notes", [])]
    if raw.get("mean") is None:
        notes.append("the checkpoint has no 'mean'/'std': the model received images in [0, 1] "
                     "unchanged (if you trained on normalized images, save them with "
                     "save_checkpoint(model, path, mean, std))")
    else:
        notes.append("inputs normalized with the checkpoint's mean "
                     f"{[round(v, 4) for v in raw['mean']]} and std {[round(v, 4) for v in raw['std']]}")
    device = pick_device(options.device)
    attack_limit = None if device.type == "cuda" else ATTACKED_IMAGES_ON_CPU
    result = evaluate(model, split.images, split.labels, EPS_8_OF_255, device=device,
                      attack_limit=attack_limit)
    if result.attacked < result.images:
        notes.append(f"the leaderboard's FGSM accuracy uses the first {result.attacked:,} images "
                     "(the grader has no GPU); the clean accuracy uses all of them")
    if not split.official:
        notes.append(f"the test set is not the official CIFAR-10 test batch ({split.description}): "
                     "this score is for development only")
    if options.eval_limit:
        notes.append(f"scored on the first {result.images:,} test images only (--eval-limit "
                     f"{options.eval_limit}); the real grade uses all 10,000")
    hint = _normalization_hint(raw, split, result.clean_accuracy, device) \
        if raw.get("mean") is None and result.clean_accuracy < 0.5 else []
    notes += hint
    if result.clean_accuracy < 0.2 and not hint:  # batch statistics would hide a missing normalization
        batch_stats = batch_statistics_accuracy(model, split.images[:DIAGNOSTIC_IMAGES],
                                                split.labels[:DIAGNOSTIC_IMAGES],
                                                device=device)
        if batch_stats >= result.clean_accuracy + 0.2:
            notes.append(
                f"in eval mode the model is near chance, but with batch statistics it reaches "
                f"{batch_stats:.1%}: the batch-norm running statistics do not match the weights "
                "(the All-CNN puts dropout before batch norm). Re-estimate them with dropout off "
                "before saving: see the docstring of save_checkpoint in the template")
    return CheckpointScore(result, tuple(notes), official=split.official and not options.eval_limit)


def _normalization_hint(raw: dict[str, Any], split: Any, accuracy: float, device: Any) -> list[str]:
    """A checkpoint saved without the mean/std it was trained with scores near chance on [0, 1]
    images; normalized with the test images' own per-channel statistics (about what a training
    set's are) it scores far better. Then say so, and how to save it."""
    mean, std = channel_statistics(split.images[:DIAGNOSTIC_IMAGES])
    normalized = evaluate(load_into_allcnn({**raw, "mean": mean, "std": std}),
                          split.images[:DIAGNOSTIC_IMAGES], split.labels[:DIAGNOSTIC_IMAGES],
                          None, device=device)
    if normalized.clean_accuracy < accuracy + 0.2:
        return []
    return [f"**the checkpoint lacks the normalization it was trained with**: on [0, 1] images it "
            f"scores {accuracy:.1%}, but normalized with the test images' own per-channel mean and "
            f"std it reaches {normalized.clean_accuracy:.1%} (first {normalized.images:,} images). "
            "Save it with save_checkpoint(model, path, mean, std), giving the mean and std you "
            "trained with; the grade uses what the file says"]
