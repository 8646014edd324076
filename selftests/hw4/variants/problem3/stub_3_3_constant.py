"""3.3's functions are stubs that return zeros and the constant 1: earn nothing on 3.3."""
# expect: 3.3=0
import sympy
import torch


def l2_gd_step(w, grad_L, alpha, lam):
    return torch.zeros_like(w)


def decay_factor(alpha, lam):
    return sympy.Integer(1)
