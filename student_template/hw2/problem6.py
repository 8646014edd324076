"""ESE 546 Homework 2, Problem 6: vanishing and exploding gradients of a linear RNN.

With no input (w_x = 0) and no nonlinearity (sigma(z) = z) the RNN update is

    z^{t+1} = w_z z^t,    t = 1, ..., T-1,

from a given z^1 in R^p, so z^T = w_z^(T-1) z^1, and the loss l(z^T) depends on z^T only.

What the autograder accepts, for every function below:

- Tensor inputs are `torch.Tensor`s (float32 or float64) on some device; return tensors on the same
  device or on the CPU. A NumPy array with the same values is accepted wherever a tensor is asked
  for. Work in the dtype you are given (the grader's tolerances allow float32 rounding).
- Vectors have shape (p,), matrices (p, p). "Norm" means the Euclidean norm of all entries (the
  Frobenius norm for a matrix).
- Never modify an argument in place (`g *= c`, `g.mul_(c)`, `g[0] = ...`): build new tensors.
- The symbolic function receives sympy Symbols (or plain integers) and must return a sympy
  expression built from them; do not create symbols of your own.
- The explanations of 6.a, 6.b and 6.d go in your PDF; only the functions below are autograded.

`unroll` below is a working helper (not graded): with `torch.autograd` it lets you test your
gradient on small examples.
"""
from __future__ import annotations

import sympy
import torch

Tensor = torch.Tensor


def unroll(w_z: Tensor, z1: Tensor, T: int) -> Tensor:
    """z^T = w_z^(T-1) z^1, computed step by step (a working helper, not graded).

    Example: check a gradient with autograd,

        w = w_z.clone().requires_grad_(True)
        (dw,) = torch.autograd.grad(unroll(w, z1, T) @ grad_zT, w)   # l(z^T) = grad_zT . z^T

    (for T = 1, z^T = z^1 does not depend on w_z and autograd refuses; the gradient is zero).
    """
    z = z1
    for _ in range(T - 1):
        z = w_z @ z
    return z


def rnn_weight_gradient(w_z: Tensor, z1: Tensor, T: int, grad_zT: Tensor) -> Tensor:
    """6.a: dl/dw_z by back-propagation through time.

    Args:
        w_z: the recurrent weight, shape (p, p), float32 or float64 (not symmetric in general).
        z1: the initial hidden state z^1, shape (p,).
        T: the number of time steps, an int >= 1 (z^T = w_z^(T-1) z^1).
        grad_zT: dl/dz^T, shape (p,).

    Returns:
        A tensor of shape (p, p) whose entry (i, j) is dl/d(w_z)_ij: the same layout as the `.grad`
        PyTorch would store in w_z. For T = 1 it is all zeros; for T = 2 it is the outer product
        grad_zT (z^1)^T. Careful: w_z appears T-1 times in z^T and matrices do not commute, so the
        derivative of a scalar power w^(T-1) does not carry over as a matrix power.
    """
    raise NotImplementedError("6.a: return dl/dw_z, shape (p, p)")


def hidden_state_regime(w_z: Tensor, z1: Tensor) -> str:
    """6.a: how ||z^T|| = ||w_z^(T-1) z^1|| behaves as T -> infinity, in exact arithmetic.

    Args:
        w_z: shape (p, p), float32 or float64, with exactly representable entries (the grader uses
            integers, halves and quarters, e.g. rotations by multiples of 90 degrees).
        z1: shape (p,), exactly representable entries. It may be zero: then z^T = 0 for every T,
            which counts as "vanishing".

    Returns:
        One of the strings "vanishing" (||z^T|| -> 0), "exploding" (||z^T|| -> infinity) or
        "bounded" (neither). Case and surrounding spaces are ignored.

    The answer depends on the eigenvalues of w_z AND on which (generalized) eigenspaces z1 has a
    component in: eigenvalues whose eigenspaces z1 never reaches play no role. A Jordan block
    matters too: w_z = [[1, 1], [0, 1]] keeps z1 = (1, 0) fixed but moves (0, 1) to (T-1, 1).
    The largest singular value ||w_z||_2 does not decide it: [[0.5, 2], [0, 0.5]] has norm above
    1, yet every z^T -> 0. Be careful with floating point: a numerically computed eigenvalue of
    modulus 1 may come out as 0.9999999999999998, and simulating many steps cannot tell slow
    (polynomial) growth from boundedness. Exact arithmetic (e.g. `sympy.Matrix` built from
    `sympy.Rational` entries) avoids both problems.
    """
    raise NotImplementedError('6.a: return "vanishing", "exploding" or "bounded"')


def scalar_rnn_gradient(w, z1, T, g):
    """6.a (symbolic): dl/dw for the scalar RNN (p = 1), z^T = w^(T-1) z1, when dl/dz^T = g.

    Args:
        w, z1, g: sympy Symbols (real).
        T: a sympy Symbol (a positive integer) or a plain Python int >= 1.

    Returns:
        A sympy expression in these arguments. Any form equal to the right one is accepted (it is
        judged by sympy equivalence). It must be right for every T >= 1: with T = 1 the loss does
        not depend on w, and with T = 2 the answer is g * z1.
    """
    raise NotImplementedError("6.a: return dl/dw as a sympy expression")


def clip_gradient_norm(grad: Tensor, max_norm: float) -> Tensor:
    """6.c: gradient clipping by norm, which protects the weights from an exploding gradient.

    Args:
        grad: a gradient tensor of any shape (vector or matrix), float32 or float64.
        max_norm: a Python float > 0.

    Returns:
        A tensor with the shape of grad: when ||grad|| > max_norm (Frobenius norm for a matrix),
        grad rescaled to have norm exactly max_norm (same direction); otherwise grad unchanged.
        A zero gradient stays zero (no NaN). Do not modify grad itself: return a new tensor.
        Using `torch.nn.utils.clip_grad_norm_` on a copy is fine (its relative error of about 1e-6
        is tolerated); clipping each entry to [-max_norm, max_norm] is a different method and is
        not what is asked.
    """
    raise NotImplementedError("6.c: return grad clipped to norm max_norm")
