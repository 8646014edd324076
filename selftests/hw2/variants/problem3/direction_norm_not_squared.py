"""direction_update uses eta / ||w|| instead of eta / ||w||^2."""
# expect: 3.b
import torch


def direction_update(v, grad_v, eta, w_norm):
    return v - (eta / w_norm) * (grad_v - v * torch.dot(v, grad_v))
