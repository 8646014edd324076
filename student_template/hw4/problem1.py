"""HW4, Problem 1: gradients and the binary cross-entropy loss.

1.1 asks for four gradients in closed form; 1.2 derives the binary cross-entropy loss as the
negative log-likelihood of a Bernoulli label and implements it. (1.3, the perfect classifier, is
an explanation for your PDF.)

Notation (the homework's): x is a vector of size m, y a vector of size n, A a matrix of size m x n.
Gradients use the homework's formula sheet, the *denominator layout*:

- the gradient of a scalar z with respect to a vector (or matrix) has the shape of that vector (or
  matrix): entry i is dz/dx_i (entry (i, j) is dz/dA_ij);
- the Jacobian of a vector z (size m) with respect to a vector y (size n) has shape (n, m), and its
  entry (i, j) is dz_j/dy_i (one row per entry of y). The other convention, entry (i, j) =
  dz_i/dy_j of shape (m, n) (the "numerator layout", what torch.autograd.functional.jacobian
  returns), is graded as wrong.

What the autograder accepts, for every function below:

- Each 1.1 function is called TWICE, with two kinds of arguments, and must be right on both:
  1. float64 `torch.Tensor`s: vectors of shape (m,) / (n,) (1-D), matrices of shape (m, n). Return
     a tensor (a NumPy array with the same values is accepted) of the shape stated below; the
     values are compared with torch.autograd's.
  2. `sympy.Matrix` objects of real Symbols (e.g. `a00, a01, ...` for A): vectors are COLUMN
     matrices of shape (m, 1), matrices have shape (m, n). Return a `sympy.Matrix` (a vector as a
     column (k, 1)); every entry is compared with what `sympy.diff` gives.
  So write the closed form with operations both kinds support (`*`, `+`, `@`, `.T`): such an
  expression works for both kinds of argument. torch.autograd (or any other numerical trick)
  fails the sympy call; converting the input to sympy fails the tensor call.
- Never modify an argument in place (`x *= 2`, `A.mul_(2)`, `x[0] = ...`): build new values.
- The symbolic function receives sympy Symbols and must return a sympy expression built from them
  (use `sympy.log`, not `math.log`); do not create symbols of your own. Piecewise expressions
  cannot be graded: write the loss as one formula in y.
- The explanations (1.3, the justifications of 1.2) go in your PDF; only the functions below are
  autograded.
"""
from __future__ import annotations

import sympy
import torch

Tensor = torch.Tensor


# ------------------------------------------------------------------------------------------ 1.1
def grad_xTx(x):
    """1.1: dz/dx for z = x^T x.

    Args:
        x: the vector x of size m: a float64 tensor of shape (m,), or a sympy Matrix of shape
            (m, 1) (a column of real Symbols).

    Returns:
        dz/dx in the denominator layout, the shape of x: a tensor of shape (m,) for a tensor x, a
        sympy Matrix of shape (m, 1) for a Matrix x. Entry i is dz/dx_i.
    """
    raise NotImplementedError("1.1: return dz/dx for z = x^T x")


def grad_trace_AtA(A):
    """1.1: dz/dA for z = Trace(A^T A).

    Args:
        A: the matrix A of size m x n (not square in general): a float64 tensor of shape (m, n),
            or a sympy Matrix of shape (m, n) of real Symbols.

    Returns:
        dz/dA, the shape of A (m, n): a tensor for a tensor A, a sympy Matrix for a Matrix A.
        Entry (i, j) is dz/dA_ij.
    """
    raise NotImplementedError("1.1: return dz/dA for z = Trace(A^T A)")


def grad_xTAy_wrt_y(x, A, y):
    """1.1: dz/dy for z = x^T A y (a scalar).

    Args:
        x: the vector x of size m: a float64 tensor of shape (m,), or a sympy Matrix (m, 1).
        A: the matrix A, shape (m, n) (not square in general), a tensor or a sympy Matrix.
        y: the vector y of size n: a float64 tensor of shape (n,), or a sympy Matrix (n, 1).
        All three are of the same kind (all tensors, or all sympy matrices).

    Returns:
        dz/dy in the denominator layout, the shape of y: a tensor of shape (n,) for tensors, a
        sympy Matrix of shape (n, 1) for matrices. Entry i is dz/dy_i.
    """
    raise NotImplementedError("1.1: return dz/dy for z = x^T A y")


def jacobian_Ay_wrt_y(A, y):
    """1.1: the Jacobian dz/dy of the vector z = A y (size m) with respect to y (size n).

    Args:
        A: the matrix A, shape (m, n) (not square in general), a float64 tensor or a sympy Matrix.
        y: the vector y of size n: a tensor of shape (n,), or a sympy Matrix (n, 1).

    Returns:
        dz/dy in the denominator layout of the homework's formula sheet: shape (n, m), entry (i, j)
        = dz_j/dy_i (row i holds the derivatives with respect to y_i). A tensor of shape (n, m) for
        tensors, a sympy Matrix of shape (n, m) for matrices. (The numerator layout, shape (m, n)
        with entry (i, j) = dz_i/dy_j, is graded as wrong.)
    """
    raise NotImplementedError("1.1: return the Jacobian dz/dy of z = A y (denominator layout)")


# ------------------------------------------------------------------------------------------ 1.2
def bce_symbolic(y, yhat):
    """1.2 (symbolic): the loss L(y, yhat) = -log p(y | x) of a Bernoulli label.

    The classifier outputs yhat = p(y = 1 | x), in (0, 1); the label y is 0 or 1.

    Args:
        y: a real sympy Symbol standing for the label (0 or 1).
        yhat: a positive sympy Symbol standing for the classifier's output, in (0, 1).

    Returns:
        A sympy expression in y and yhat: the negative log-likelihood of the label, in nats
        (natural logarithm, `sympy.log`). Since y is a label, the grader substitutes y = 0 and
        y = 1 into your expression and compares each with the right loss, so any expression that
        is right at both labels passes (for example a product of powers inside one log).
    """
    raise NotImplementedError("1.2: return the negative log-likelihood of a Bernoulli label")


def bce_loss(yhat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """1.2: the binary cross-entropy of predictions yhat against labels y, over a batch.

    Args:
        yhat: predicted probabilities, a float tensor (float32 or float64) of any shape, every
            entry in [1e-6, 1 - 1e-6] (you may clamp it away from 0 and 1, e.g. to [1e-12, 1)).
        y: the labels, a tensor of the same shape and dtype as yhat, entries 0.0 or 1.0.
        reduction: "mean" (the default: the mean over all entries) or "sum" (their sum).

    Returns:
        The loss in nats as a 0-d tensor (a Python float is accepted): the same value as
        `torch.nn.functional.binary_cross_entropy(yhat, y, reduction=reduction)` (write it from the
        formula of bce_symbolic: that function is what the grader compares with).
    """
    raise NotImplementedError("1.2: return the binary cross-entropy")
