"""The (1 - y) term dropped: -y log(yhat), in both 1.2 functions."""
# expect: 1.2
import sympy
import torch


def bce_symbolic(y, yhat):
    return -y * sympy.log(yhat)


def bce_loss(yhat, y, reduction="mean"):
    losses = -y * torch.log(yhat)
    return losses.mean() if reduction == "mean" else losses.sum()
