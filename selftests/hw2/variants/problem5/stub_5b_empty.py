"""5.b's functions are stubs that return zeros of the right shapes: earn nothing on 5.b."""
# expect: 5.b=0
import torch


def input_gradient(model, x, y):
    return torch.zeros_like(x)


def signed_gradient_attack(model, x, y, eps, steps=5):
    return torch.zeros_like(x), torch.zeros(steps)
