"""torch.div for the gradient, c(lam) as the derivative of log(lam), a NumPy norm, torch.outer projection."""
# expect: full
import numpy as np
import sympy
import torch


def gradient_at_scaled_point(grad_w, lam):
    return torch.div(grad_w, torch.tensor(lam, dtype=grad_w.dtype, device=grad_w.device))


def scaled_gradient_factor(lam):
    return sympy.diff(sympy.log(lam), lam)


def effective_learning_rate(eta, w):
    entries = w.detach().cpu().numpy().ravel()
    return float(eta / np.dot(entries, entries))


def direction_update(v, grad_v, eta, w_norm):
    effective = eta / (w_norm * w_norm)
    projection = torch.eye(v.numel(), dtype=v.dtype, device=v.device) - torch.outer(v, v)
    return v - effective * torch.mv(projection, grad_v)
