"""direction_update subtracts the step from v in place (right values, but the caller's v changes)."""
# expect: 3.b
import torch


def direction_update(v, grad_v, eta, w_norm):
    step = (eta / w_norm**2) * (grad_v - v * torch.dot(v, grad_v))
    return v.sub_(step)
