"""HW4 Problem 6: convolution as a finite impulse response (FIR) filter.

The output of a discrete linear time-invariant system with impulse response h is the convolution

    y[n] = (x * h)[n] = sum_i x[i] h[n - i] = sum_i x[n - i] h[i]            (1)

"flip and drag": h is flipped before it slides over x. (A convolutional layer of a neural network
does NOT flip: it computes the cross-correlation sum_i x[n + i] h[i]. This problem uses (1).)

What the autograder accepts:

- Signal inputs are 1-D float64 `torch.Tensor`s on the CPU. Return a tensor; a NumPy array with the
  same values is accepted too. Never modify an argument in place.
- `rect_response` returns a number: a Python float, a `fractions.Fraction` or an exact sympy number
  (`sympy.Rational`); it is checked to 1e-12.
- The derivation and the plot of y[n] for n = -6 ... 12 go in your PDF (graded by hand), as do the
  answers about correlation (6.a) and shifting (6.c).
"""
from __future__ import annotations

import torch

Tensor = torch.Tensor


def convolve1d(x: Tensor, h: Tensor) -> Tensor:
    """6.b: the full convolution (1) of two finite signals.

    A finite signal x of length N stands for the infinite signal that is x[i] at i = 0 ... N - 1
    and 0 everywhere else; the same for h (length K).

    Args:
        x: the input signal, shape (N,), N >= 1.
        h: the impulse response (filter), shape (K,), K >= 1. It is generally not symmetric, so
            flipping it or not changes the answer.

    Returns:
        A tensor of shape (N + K - 1,): entry n is y[n] = sum_i x[i] h[n - i] for
        n = 0 ... N + K - 2, every index where y can be non-zero. Index 0 is y[0] = x[0] h[0] and
        the last entry is x[N-1] h[K-1]: what `numpy.convolve(x, h)` returns (mode "full"), a
        good way to test your own sum. `torch.nn.functional.conv1d` does not flip h (it is the
        cross-correlation), so it gives another answer.

    Example: x = [1, 2, 3], h = [1, 0.5] gives [1, 2.5, 4, 1.5].
    """
    raise NotImplementedError("6.b: return the full convolution of x and h")


def rect_response(n: int, L: int) -> float:
    """6.b: y[n] = (x * h)[n] for the rect of length L and h[n] = (1/2)^n u[n].

    The rect is x[n] = 1 for n = 0 ... L - 1 and 0 elsewhere; u is the unit step (u[n] = 1 for
    n >= 0, 0 for n < 0). Derive y[n] by cases (n < 0, 0 <= n <= L - 1, n >= L - 1) in your PDF and
    return its value here.

    Args:
        n: the time index, a Python int of any sign (the grader asks n = -6 ... 12).
        L: the length of the rect, a Python int >= 1.

    Returns:
        The number y[n]: a Python float, a `fractions.Fraction` or a sympy Rational (a
        one-element tensor or array is accepted; an expression in a symbol is not). Floats are
        checked to 1e-12.

    Example: L = 3 gives y[0] = 1, y[1] = 1.5 and y[-1] = 0.
    """
    raise NotImplementedError("6.b: return y[n] for the rect of length L")
