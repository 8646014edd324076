"""3.a's functions are stubs that return constants (ones, 1): earn nothing on 3.a."""
# expect: 3.a=0
import sympy
import torch


def gradient_at_scaled_point(grad_w, lam):
    return torch.ones_like(grad_w)


def scaled_gradient_factor(lam):
    return sympy.Integer(1)
