"""5.b's functions are stubs that return their input images (and zero losses): earn nothing on 5.b."""
# expect: 5.b=0
import torch


def input_gradient(model, x, y):
    return x


def signed_gradient_attack(model, x, y, eps, steps=5):
    return x, torch.zeros(steps)
