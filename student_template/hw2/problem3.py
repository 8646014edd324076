"""ESE 546 Homework 2, Problem 3: scale invariance.

A loss l : R^p -> R is scale invariant when l(lam * w) = l(w) for every scalar lam > 0 (the weights
of a layer followed by batch normalization behave this way). Part (a) asks how the gradient at lam*w
relates to the gradient at w; part (b) rewrites gradient descent w <- w - eta grad l(w) as an update
of the direction v = w / ||w||_2 (equation (2) of the problem).

What the autograder accepts, for every function below:

- Tensor inputs are `torch.Tensor`s (float32 or float64) on some device; return tensors on the same
  device or on the CPU. A NumPy array with the same values is accepted wherever a tensor is asked
  for. Work in the dtype you are given (the grader's tolerances allow float32 rounding).
- "Norm" means the Euclidean norm of all entries (the Frobenius norm for a matrix, the norm of the
  flattened tensor for a convolution weight).
- Never modify an argument in place (`g *= 2`, `g.mul_(2)`, `g[0] = ...`): build new tensors.
- The symbolic function receives sympy Symbols and must return a sympy expression built from them
  (for example `2 * lam**3`); do not create symbols of your own with the same name, use the ones
  you are given.
- The derivations themselves (the proof of (a), the derivation of (2)) go in your PDF; only the
  functions below are autograded.

`scale_invariant_loss` below is a working example of such a loss (not graded): use it with
`torch.autograd` to test your functions.
"""
from __future__ import annotations

import sympy
import torch

Tensor = torch.Tensor


def scale_invariant_loss(w: Tensor) -> Tensor:
    """A scale-invariant loss to experiment with (a working helper, not graded).

    l(w) = F(w / ||w||) with F(u) = sum_{i=1..p} sin(i * u_i) + u_1^3, so l(lam w) = l(w) for
    every lam > 0.
    w is a 1-D tensor with at least one non-zero entry; returns a 0-d tensor.

    Example: gradients with autograd,

        w = torch.tensor([1.0, 2.0, -0.5], dtype=torch.float64, requires_grad=True)
        (grad,) = torch.autograd.grad(scale_invariant_loss(w), w)
    """
    u = w / torch.linalg.vector_norm(w)
    index = torch.arange(1, u.numel() + 1, dtype=u.dtype, device=u.device)
    return torch.sin(index * u).sum() + u[0] ** 3


def gradient_at_scaled_point(grad_w: Tensor, lam: float) -> Tensor:
    """3.a: the gradient grad l(lam * w), given grad_w = grad l(w) and lam.

    Here l is scale invariant (l(lam w) = l(w) for every lam > 0) and grad l(lam w) means the
    gradient of l evaluated at the point lam * w (not the derivative of w -> l(lam w)).

    Args:
        grad_w: grad l(w), a tensor of any shape (a vector, or a weight matrix), float32 or float64.
        lam: a Python float, lam > 0.

    Returns:
        A tensor with the shape of grad_w: the gradient of l at lam * w.

    Example: with `scale_invariant_loss`, compute grad l(w) and grad l(3 w) by autograd: your
    function applied to the first with lam = 3 must give the second.
    """
    raise NotImplementedError("3.a: return the gradient of l at lam * w")


def scaled_gradient_factor(lam: sympy.Symbol) -> sympy.Expr:
    """3.a (symbolic): the factor c(lam) with grad l(lam w) = c(lam) * grad l(w).

    Args:
        lam: a sympy Symbol, positive (for example `sympy.Symbol('lam', positive=True)`); the
            grader may name it differently, so build your answer from this argument.

    Returns:
        A sympy expression in `lam` alone (for example `lam**2` would say the gradient grows like
        lam squared). Any form equal to the right one is accepted: it is judged by sympy
        equivalence, not by how it is written.
    """
    raise NotImplementedError("3.a: return c(lam) as a sympy expression in lam")


def effective_learning_rate(eta: float, w: Tensor) -> float:
    """3.b: the effective learning rate eta' = eta / ||w||_2^2 of the direction v = w / ||w||.

    Args:
        eta: the learning rate of gradient descent on w, a Python float > 0.
        w: the weights, a tensor of any shape (vector, matrix, convolution kernel), not all zero;
            its norm is taken over all entries (Frobenius for a matrix).

    Returns:
        A Python float (a 0-d or one-element tensor is accepted too).

    Example: w = [3., 4.] has ||w||^2 = 25, so eta = 0.5 gives 0.02.
    """
    raise NotImplementedError("3.b: return eta / ||w||^2")


def direction_update(v: Tensor, grad_v: Tensor, eta: float, w_norm: float) -> Tensor:
    """3.b: the first-order update of the direction, equation (2) without its O(eta^2) term:

        v_new = v - (eta / w_norm**2) * (I - v v^T) g,     g = grad_v.

    Args:
        v: the direction w / ||w||, a 1-D unit tensor of shape (p,), float32 or float64.
        grad_v: g = grad l(v), the gradient of the loss at the point v, shape (p,). It may be any
            vector: for a scale-invariant loss g is orthogonal to v and the projection I - v v^T
            leaves it unchanged, but the grader also calls this function with a g that is not
            orthogonal to v, and then the projection matters.
        eta: the learning rate of gradient descent on w, a Python float > 0.
        w_norm: ||w||_2, a Python float > 0.

    Returns:
        A tensor of shape (p,): exactly the expression above. Do not renormalize it to unit norm:
        its norm is 1 + O(eta^2), and equation (2) keeps only the first-order term. Avoid building
        the p x p matrix if you like: (I - v v^T) g = g - v (v . g).

    The grader also compares your v_new with the direction after one true gradient-descent step on
    a scale-invariant loss, (w - eta grad l(w)) / ||w - eta grad l(w)||: the two must differ by
    O(eta^2) (halving eta divides the difference by about 4).
    """
    raise NotImplementedError("3.b: return v - (eta / w_norm**2) (I - v v^T) grad_v")
