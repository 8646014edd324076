"""Ridge as least squares on the augmented system [X; sqrt(m) sigma I] w = [y; 0] (torch.linalg.lstsq),
the loss as a 0-d tensor, sympy.Rational/Pow forms, the step as a 0-d tensor."""
# expect: full
import math

import sympy
import torch


def expected_noisy_loss(X, w, y, sigma):
    m = X.shape[0]
    return torch.sum((X @ w - y) ** 2) + m * sigma**2 * torch.sum(w**2)


def ridge_lambda(sigma, m):
    return sympy.Pow(sigma, 2)


def noisy_least_squares(X, y, sigma):
    m, n = X.shape
    A = torch.cat([X, math.sqrt(m) * sigma * torch.eye(n, dtype=X.dtype)])
    b = torch.cat([y, torch.zeros(n, dtype=y.dtype)])
    return torch.linalg.lstsq(A, b.unsqueeze(1)).solution.squeeze(1)


def expected_weight_step(Ew, x, y, sigma, eta):
    return torch.tensor(Ew, dtype=torch.float64) * (1 - eta * (x**2 + sigma**2)) + eta * x * y


def max_learning_rate(x, sigma):
    return sympy.Rational(2, 1) / sympy.Add(x**2, sigma**2)


def expected_weight_limit(x, y, sigma):
    return sympy.together(x * y / (x**2 + sigma**2))
