"""yhat and 1 - yhat swapped: -(y log(1 - yhat) + (1 - y) log(yhat))."""
# expect: 1.2
import sympy
import torch


def bce_symbolic(y, yhat):
    return -(y * sympy.log(1 - yhat) + (1 - y) * sympy.log(yhat))


def bce_loss(yhat, y, reduction="mean"):
    losses = -(y * torch.log(1 - yhat) + (1 - y) * torch.log(yhat))
    return losses.mean() if reduction == "mean" else losses.sum()
