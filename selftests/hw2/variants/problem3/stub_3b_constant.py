"""3.b's functions are stubs that return constants (1.0, ones): earn nothing on 3.b."""
# expect: 3.b=0
import torch


def effective_learning_rate(eta, w):
    return 1.0


def direction_update(v, grad_v, eta, w_norm):
    return torch.ones_like(v)
