"""A plain Python loop with math.log (lists accepted through float()), the Gaussian KL as
-log(sigma1) + log(sigma2) + ..., the fit from the law of total variance with NumPy floats."""
# expect: full
import math

import numpy as np
import sympy


def kl_divergence(p, q):
    total = 0.0
    for pi, qi in zip(np.asarray(p, dtype=np.float64).tolist(), np.asarray(q, dtype=np.float64).tolist()):
        if pi == 0:
            continue
        if qi == 0:
            return float("inf")
        total += pi * math.log(pi / qi)
    return total


def kl_gaussian(mu1, sigma1, mu2, sigma2):
    return (-sympy.log(sigma1) + sympy.log(sigma2) + sigma1**2 / (2 * sigma2**2)
            + (mu1 - mu2) ** 2 / (2 * sigma2**2) - sympy.Rational(1, 2))


def forward_kl_gaussian_fit(weights, means, stds):
    w, m, s = weights.numpy(), means.numpy(), stds.numpy()
    mu = np.dot(w, m)
    within, between = np.dot(w, s**2), np.dot(w, (m - mu) ** 2)
    return np.float64(mu), np.sqrt(within + between)
