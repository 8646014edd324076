"""HW4, Problem 3 (bonus): interview questions.

3.1 implements batch normalization's forward pass, 3.2 computes convolution output shapes and the
padding and stride that give an output size, 3.3 writes one gradient-descent step on an L2-
regularized loss and its weight-decay factor. (3.1(i), why batch norm regularizes, and 3.4, why
CNNs, are explanations for your PDF.) All of problem 3 is bonus: extra credit.

What the autograder accepts, for every function below:

- Tensor inputs are `torch.Tensor`s (float32 or float64) on some device; return tensors on the same
  device or on the CPU. A NumPy array with the same values is accepted wherever a tensor is asked
  for. Work in the dtype you are given (the grader's tolerances allow float32 rounding).
- Never modify an argument in place (`running_mean.mul_(0.9)`, `w -= ...`, `w[0] = ...`): build new
  tensors. (torch.nn.functional.batch_norm updates the running statistics you pass it in place.)
- Sizes are Python ints and must be returned as ints (a tuple of ints where a tuple is asked for).
- The symbolic function receives sympy Symbols and must return a sympy expression built from them;
  do not create symbols of your own (the weights w are not an argument of decay_factor).
"""
from __future__ import annotations

import sympy
import torch

Tensor = torch.Tensor


# ------------------------------------------------------------------------------------------ 3.1
def batchnorm_forward(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor,
                      running_var: Tensor, training: bool, momentum: float = 0.1,
                      eps: float = 1e-5) -> tuple[Tensor, Tensor, Tensor]:
    """3.1: batch normalization's forward pass, per channel, as torch.nn.BatchNorm1d/2d computes it.

    Args:
        x: a batch of shape (N, C) or (N, C, H, W) (any (N, C, ...)): dimension 1 is the channel;
            statistics are taken per channel over every other dimension (N, or N, H and W).
        gamma, beta: the learned scale and shift, shape (C,).
        running_mean, running_var: the running statistics, shape (C,).
        training: True for the training-mode pass, False for inference (eval mode).
        momentum: the running statistics' update weight (PyTorch's convention, see below).
        eps: added to the variance before the square root.

    Returns:
        (y, new_running_mean, new_running_var): y of the shape of x, the two statistics of shape
        (C,), all new tensors (the inputs are left unchanged).

        Training: y = gamma * (x - mu) / sqrt(var + eps) + beta with mu and var the batch mean and
        the *biased* batch variance (divide by the count n of values per channel), and
        new_running = (1 - momentum) * running + momentum * batch statistic, using for the
        variance the *unbiased* batch variance (divide by n - 1), as PyTorch does (the biased one
        is accepted too).
        Inference: y normalizes with running_mean and running_var (no batch statistics at all),
        and the running statistics are returned unchanged (same values).
    """
    raise NotImplementedError("3.1: return (y, new_running_mean, new_running_var)")


# ------------------------------------------------------------------------------------------ 3.2
def conv_output_shape(input_shape: tuple[int, int, int], c_out: int, k: int, padding: int = 0,
                      stride: int = 1) -> tuple[int, int, int]:
    """3.2: the output shape of a k x k convolution with c_out filters.

    Args:
        input_shape: (C, H, W) of one input (no batch dimension), ints.
        c_out: the number of output channels (filters).
        k: the (square) kernel size.
        padding: zero padding added on every side (the same for H and W).
        stride: the stride (the same for H and W).

    Returns:
        (C_out, H_out, W_out) as a tuple of ints, with H_out = floor((H + 2 padding - k) / stride) + 1
        (and likewise W_out). The homework's example: (32, 64, 64), 64 filters, k = 3, no padding,
        stride 1 gives (64, 62, 62).
    """
    raise NotImplementedError("3.2: return (C_out, H_out, W_out)")


def padding_and_stride(h_in: int, h_out: int, k: int) -> tuple[int, int]:
    """3.2: a padding and a stride with which a k x k convolution maps size h_in to size h_out.

    Args:
        h_in: the input's height (= width), an int.
        h_out: the wanted output height (= width), an int.
        k: the kernel size.

    Returns:
        (padding, stride), ints with padding >= 0, stride >= 1,
        floor((h_in + 2 padding - k) / stride) + 1 == h_out, and padding <= k - 1 (a larger padding
        gives outputs that see padding only; the grader gives half credit for an answer that
        satisfies the formula with such a padding). Any such pair is accepted; every graded input
        has at least one. The homework's example: 64 -> 32 with k = 3.
    """
    raise NotImplementedError("3.2: return (padding, stride)")


# ------------------------------------------------------------------------------------------ 3.3
def l2_gd_step(w: Tensor, grad_L: Tensor, alpha: float, lam: float) -> Tensor:
    """3.3: one gradient-descent step on L'(w) = L(w) + lam * w^T w.

    Args:
        w: the weights, a tensor of any shape (w^T w means the sum of squares of all entries).
        grad_L: the gradient of the unregularized loss L at w, the shape of w.
        alpha: the learning rate (a Python float > 0).
        lam: the regularization strength lambda (a Python float >= 0).

    Returns:
        The new weights w - alpha * grad L'(w), a tensor of the shape of w.
    """
    raise NotImplementedError("3.3: return the weights after one step on L + lam w^T w")


def decay_factor(alpha, lam):
    """3.3 (symbolic): the factor that multiplies w in the step of l2_gd_step.

    Args:
        alpha: a positive sympy Symbol, the learning rate.
        lam: a positive sympy Symbol, the regularization strength lambda of L' = L + lam w^T w.

    Returns:
        A sympy expression in alpha and lam: the number c with new w = c * w - alpha * grad L(w).
        It does not depend on w (w is not an argument) nor on the gradient.
    """
    raise NotImplementedError("3.3: return the factor that multiplies w")
