"""5.b's functions are stubs that return constants of the right shapes: earn nothing on 5.b."""
# expect: 5.b=0
import torch


def input_gradient(model, x, y):
    return torch.ones_like(x)


def signed_gradient_attack(model, x, y, eps, steps=5):
    return torch.full_like(x, 0.5), torch.ones(steps)
