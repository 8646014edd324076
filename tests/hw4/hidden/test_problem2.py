"""Hidden checks for Problem 2 on inputs the student has never seen.

The properties are the public ones (tests/hw4/public/test_problem2.py), on new inputs:

- 2.2: conv_output_size on other heights, kernels, paddings, strides and dilations, including
  strides whose division rounds down and dilated kernels (0.75); net_with_kernel(7) (16 x 3 x 3
  = 144 features reach the flatten) together with k = 3 on other batch sizes, N = 1 included
  (0.75).
- 2.3: train_epoch on the tutorial Net with another seed and batch size, trained with Adam under
  another call seed (0.5), and on the batch-norm/dropout variant (dropout 0.5) with another
  learning rate (0.5). (Adam is not used with batch norm: the gradient of a bias in front of batch
  norm is rounding noise, which Adam scales up to full steps.)
- 2.4: evaluate on another batch-norm/dropout network in training mode, three batch sizes with a
  smaller last batch (0.5). The checkpoint is scored once, by the public check.
"""
from __future__ import annotations

from autograder.decorators import number, partial_credit, weight
from autograder.deeplearning import recipes
from tests.hw4.checkpoint_grading import tutorial_net, tutorial_net_bn_dropout
from tests.hw4.public.test_problem2 import (
    check_conv_output_sizes,
    check_evaluate,
    check_net_with_kernel,
    check_train_epoch,
    evaluation_set,
    seeded_images,
    seeded_labels,
)

CONV_CASES_HIDDEN = (
    (31, 5, 0, 1, 1), (27, 3, 1, 2, 1), (40, 4, 2, 3, 1), (17, 2, 0, 2, 1), (15, 3, 2, 1, 3),
    (100, 11, 5, 4, 1), (9, 3, 0, 3, 2), (224, 7, 3, 2, 1), (6, 1, 0, 4, 1), (50, 5, 1, 2, 2),
    (12, 5, 0, 7, 1), (33, 3, 4, 5, 4),
)


@number("2.2")
@weight(0.75)
def test_conv_output_size_hidden(student):
    """conv_output_size is exact on new heights, kernels, paddings, strides and dilations."""
    check_conv_output_sizes(student, CONV_CASES_HIDDEN)


@number("2.2")
@weight(0.75)
def test_net_with_kernel_7_and_3_hidden(student):
    """net_with_kernel(7) and net_with_kernel(3) map new batch sizes (N, 3, 32, 32) to logits
    (N, 10) with two k x k convolutions of 6 and 16 channels."""
    probes = (seeded_images(1, 121), seeded_images(7, 122))
    for k in (7, 3):
        check_net_with_kernel(student, k, probes)


@number("2.3")
@weight(0.5)
def test_train_epoch_net_adam_hidden(student):
    """train_epoch on another tutorial Net and loader, trained with Adam, under another call seed."""
    check_train_epoch(student, tutorial_net(seed=131), seeded_images(20, 132), seeded_labels(20, 133), 5,
                      recipes.optimizer("Adam", model=0, lr=0.01), seed=7,
                      describe="the hidden Net and loader, Adam")


@number("2.3")
@weight(0.5)
def test_train_epoch_batch_norm_dropout_hidden(student):
    """train_epoch on another Net with batch norm and dropout, loader and learning rate."""
    check_train_epoch(student, tutorial_net_bn_dropout(seed=134, dropout=0.5), seeded_images(28, 135),
                      seeded_labels(28, 136), 7, recipes.optimizer("SGD", model=0, lr=0.03, momentum=0.9),
                      seed=3, describe="the hidden network with batch norm and dropout")


HIDDEN_EVAL_SPEC = tutorial_net_bn_dropout(seed=141, dropout=0.5)


@number("2.4")
@weight(0.5)
@partial_credit
def test_evaluate_hidden(student, score):
    """evaluate gives the eval-mode accuracy fraction on another network, for three batch sizes."""
    x, y, expected = evaluation_set(HIDDEN_EVAL_SPEC, 37, 142,
                                    (False, True, True, False, True, True, True, False, False))
    check_evaluate(student, HIDDEN_EVAL_SPEC, x, y, expected, (8, 10, 37), score,
                   "the hidden network and images")
