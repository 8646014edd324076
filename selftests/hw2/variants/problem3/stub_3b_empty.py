"""3.b's functions are stubs that return zeros: earn nothing on 3.b."""
# expect: 3.b=0
import torch


def effective_learning_rate(eta, w):
    return 0.0


def direction_update(v, grad_v, eta, w_norm):
    return torch.zeros_like(v)
