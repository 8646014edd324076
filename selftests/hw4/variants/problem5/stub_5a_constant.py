"""5.a's functions are stubs that return constants (1.0, 1, ones): earn nothing on 5.a."""
# expect: 5.a=0
import sympy
import torch


def expected_noisy_loss(X, w, y, sigma):
    return 1.0


def ridge_lambda(sigma, m):
    return sympy.Integer(1)


def noisy_least_squares(X, y, sigma):
    return torch.ones(X.shape[1], dtype=torch.float64)
