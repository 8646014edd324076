"""HW4 Problem 8: comparing distributions with the KL divergence.

D_KL(P || Q) = E_{X ~ P}[log(P(X) / Q(X))]. For a fixed target P, minimizing D_KL(P || Q) over Q is
the forward KL, minimizing D_KL(Q || P) the reverse KL; the two can pick very different Q.

What the autograder accepts:

- Logarithms are natural (the KL divergence is in nats).
- Numbers are returned as Python floats (a 0-d or one-element tensor or NumPy array is accepted;
  float("inf") where the divergence is infinite).
- Never modify an argument in place.
- `kl_gaussian` is symbolic: it receives sympy Symbols (the means real, the standard deviations
  positive) and returns a sympy expression built from those very arguments (the grader may use
  symbols of other names; never create Symbols of your own). Any equivalent form is accepted;
  write exact numbers (`sympy.Rational(1, 2)`), not rounded decimals.
- Which plot of the problem's figure is the forward and which the reverse fit goes in your PDF.
"""
from __future__ import annotations

import math

import numpy as np
import sympy
import torch

Tensor = torch.Tensor


def _float64(values) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().to(torch.float64).numpy()
    return np.asarray(values, dtype=np.float64)


def kl_divergence(p, q) -> float:
    """8: D_KL(P || Q) = sum_i p_i log(p_i / q_i) for two discrete distributions, in nats.

    Args:
        p, q: the probabilities of P and Q over the same K outcomes, each a 1-D torch tensor
            (float32 or float64), a 1-D NumPy array or a list of floats (the grader sends all
            three), entries >= 0 summing to 1. Either may have zero entries.

    Returns:
        A Python float >= 0, with the conventions
        - 0 log(0 / q) = 0: an outcome with p_i = 0 adds nothing (also where q_i = 0 too);
        - p_i log(p_i / 0) = +inf for p_i > 0: return float("inf") when some q_i = 0 < p_i.
        Never NaN. Compute in float64.

    Example: p = [1/2, 1/2, 0], q = [1/4, 1/4, 1/2] gives log 2 = 0.6931...; swapping the
    arguments gives inf.
    """
    p, q = _float64(p), _float64(q)
    support = p > 0
    if np.any(q[support] == 0):
        return math.inf
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


def kl_gaussian(mu1: sympy.Symbol, sigma1: sympy.Symbol, mu2: sympy.Symbol,
                sigma2: sympy.Symbol) -> sympy.Expr:
    """8 (symbolic): D_KL(N(mu1, sigma1^2) || N(mu2, sigma2^2)) in closed form, in nats.

    Args:
        mu1, sigma1: the mean (a real Symbol) and standard deviation (a positive Symbol) of P.
        mu2, sigma2: those of Q. Mind the order: this is KL(P || Q), not KL(Q || P).

    Returns:
        A sympy expression in the four arguments (it is 0 when mu1 = mu2 and sigma1 = sigma2).
    """
    return (sympy.log(sigma2 / sigma1) + (sigma1**2 + (mu1 - mu2) ** 2) / (2 * sigma2**2)
            - sympy.Rational(1, 2))


def forward_kl_gaussian_fit(weights, means, stds) -> tuple[float, float]:
    """8: the Gaussian Q = N(mu, sigma^2) that minimizes the forward KL D_KL(P || Q).

    P is the Gaussian mixture sum_k weights[k] N(means[k], stds[k]^2).

    Args:
        weights: the mixture weights, a 1-D float64 tensor of length K (entries > 0 summing to 1).
        means: the component means, a 1-D float64 tensor of length K.
        stds: the component standard deviations (not variances), a 1-D float64 tensor of
            length K, entries > 0.

    Returns:
        (mu, sigma), a tuple of two Python floats: the mean and the standard deviation (not the
        variance) of the best Gaussian. Derive in your PDF which moments of P they must match.

    Example: weights [0.5, 0.5], means [-2, 3], stds [0.6, 1] (the problem's two-mode mixture)
    gives mu = 0.5, sigma = 2.6325 (to 4 decimals).
    """
    w, mu_k, sd_k = _float64(weights), _float64(means), _float64(stds)
    mu = float(np.sum(w * mu_k))
    second_moment = float(np.sum(w * (sd_k**2 + mu_k**2)))
    return mu, math.sqrt(max(second_moment - mu * mu, 0.0))
