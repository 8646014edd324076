"""HW4 Problem 5: instance noise as ridge regression.

We have m labelled points (x_i, y_i), x_i in R^n, stacked as the rows of X (shape (m, n)) and the
vector y (shape (m,)). Every time SGD uses a point it adds fresh noise: the effective input is
X~_i = x_i + N_i with N_i ~ N(0, sigma^2 I_n) independent. Part (a) shows that minimizing the
expected squared error of the noisy data is a ridge regression; part (b) follows the expected weight
of gradient descent on a single noisy scalar point.

What the autograder accepts, for every function below:

- Tensor inputs are float64 `torch.Tensor`s on the CPU. Return a tensor; a NumPy array with the same
  values is accepted too. Where a number is asked for, return a Python float (a 0-d or one-element
  tensor or array is accepted).
- Never modify an argument in place (`w *= 2`, `X.add_(...)`): build new tensors.
- The symbolic functions receive sympy Symbols (sigma, m and x positive, y real) and must return a
  sympy expression built from those very arguments: the grader may call them with symbols of other
  names, so never create Symbols of your own. Any form equal to the right one is accepted (it is
  judged by sympy equivalence); write exact numbers (`2`, `sympy.Rational(1, 2)`), not rounded
  decimals.
- The derivations go in your PDF; only the functions below are autograded.
"""
from __future__ import annotations

import sympy
import torch

Tensor = torch.Tensor


def _float64(value) -> Tensor:
    return torch.as_tensor(value).detach().to(device="cpu", dtype=torch.float64)


# ------------------------------------------------------------------------------------- 5.a
def expected_noisy_loss(X: Tensor, w: Tensor, y: Tensor, sigma: float) -> float:
    """5.a: the expected loss E[ ||X~ w - y||^2 ] over the noise, in closed form.

    X~ = X + N where the rows N_i of N are independent N(0, sigma^2 I_n) vectors.

    Args:
        X: the clean inputs, shape (m, n), float64.
        w: the weights, shape (n,).
        y: the targets, shape (m,).
        sigma: the noise standard deviation, a Python float >= 0.

    Returns:
        A Python float: the exact expectation (no sampling). The grader compares it with the
        closed form you derive in your PDF and with its own Monte Carlo estimate of the
        expectation.

    Example: X = [[1, 0], [0, 1]], w = [1, 1], y = [0, 0], sigma = 0.5 gives 3.0.
    """
    X, w, y = _float64(X), _float64(w), _float64(y)
    m = X.shape[0]
    residual = X @ w - y
    return float(residual @ residual + m * float(sigma) ** 2 * (w @ w))


def ridge_lambda(sigma: sympy.Symbol, m: sympy.Symbol) -> sympy.Expr:
    """5.a (symbolic): the ridge coefficient lambda that the instance noise amounts to.

    That is, the lambda for which the two problems

        argmin_w E||X~ w - y||^2      and      argmin_w (1/m) ||Xw - y||^2 + lambda ||w||^2

    have the same solution for every X and y.

    Args:
        sigma: a positive sympy Symbol, the noise standard deviation.
        m: a positive sympy Symbol, the number of data points.

    Returns:
        A sympy expression in sigma and m (the answer may not depend on both). Mind the 1/m in
        front of the data term of the second problem.
    """
    return sigma**2


def noisy_least_squares(X: Tensor, y: Tensor, sigma: float) -> Tensor:
    """5.a: the minimizer w* of E[ ||X~ w - y||^2 ] over w (a ridge regression solution).

    Args:
        X: the clean inputs, shape (m, n), float64. X^T X may be singular (m < n, or repeated
            columns); the regularized system is still invertible for sigma > 0.
        y: the targets, shape (m,).
        sigma: the noise standard deviation, a Python float > 0.

    Returns:
        A tensor of shape (n,): w* = (X^T X + c I_n)^(-1) X^T y for the constant c that follows
        from your expected_noisy_loss (note that E||X~ w - y||^2 is not divided by m). Solving
        the linear system (`torch.linalg.solve`) is better than forming the inverse.
    """
    X, y = _float64(X), _float64(y)
    m, n = X.shape
    gram = X.T @ X + m * float(sigma) ** 2 * torch.eye(n, dtype=torch.float64)
    return torch.linalg.solve(gram, X.T @ y)


# ------------------------------------------------------------------------------------- 5.b
def expected_weight_step(Ew: float, x: float, y: float, sigma: float, eta: float) -> float:
    """5.b: one step of the recurrence E[w_{t+1}] as a function of E[w_t].

    A single scalar data point x with label y; at step t gradient descent sees the noisy input
    x~_t = x + N_t, N_t ~ N(0, sigma^2) independent of everything before, and takes the step
    w_{t+1} = w_t - eta * dL/dw (w_t) on L(w) = (1/2)(x~_t w - y)^2.

    Args:
        Ew: E[w_t], a Python float.
        x, y: the data point and its label, Python floats.
        sigma: the noise standard deviation, a Python float >= 0.
        eta: the learning rate, a Python float > 0.

    Returns:
        E[w_{t+1}], a Python float (w_t and N_t are independent, so E[w_t N_t] = E[w_t] E[N_t]).
    """
    Ew, x, y, sigma, eta = (float(v) for v in (Ew, x, y, sigma, eta))
    return Ew * (1.0 - eta * (x * x + sigma * sigma)) + eta * x * y


def max_learning_rate(x: sympy.Symbol, sigma: sympy.Symbol) -> sympy.Expr:
    """5.b (symbolic): the supremum of the learning rates eta for which E[w_t] converges.

    E[w_t] converges (from w_0 = 0, for every x and y) exactly when 0 < eta < max_learning_rate.

    Args:
        x: a positive sympy Symbol, the data point.
        sigma: a positive sympy Symbol, the noise standard deviation.

    Returns:
        A sympy expression in x and sigma: the upper end of the interval of eta (not the
        inequality itself).
    """
    return 2 / (x**2 + sigma**2)


def expected_weight_limit(x: sympy.Symbol, y: sympy.Symbol, sigma: sympy.Symbol) -> sympy.Expr:
    """5.b (symbolic): lim_{t -> infinity} E[w_t] for a learning rate in the convergent range.

    Args:
        x: a positive sympy Symbol, the data point.
        y: a real sympy Symbol, its label.
        sigma: a positive sympy Symbol, the noise standard deviation.

    Returns:
        A sympy expression in x, y and sigma (with sigma = 0 it must reduce to the noiseless
        least-squares weight; with noise it is shrunk towards 0).
    """
    return x * y / (x**2 + sigma**2)
