"""1.2's functions are stubs that return the constant 0: earn nothing on 1.2."""
# expect: 1.2=0
import sympy
import torch


def bce_symbolic(y, yhat):
    return sympy.Integer(0)


def bce_loss(yhat, y, reduction="mean"):
    return torch.tensor(0.0)
