"""The log-likelihood without its minus sign, in both 1.2 functions."""
# expect: 1.2
import sympy
import torch


def bce_symbolic(y, yhat):
    return y * sympy.log(yhat) + (1 - y) * sympy.log(1 - yhat)


def bce_loss(yhat, y, reduction="mean"):
    losses = y * torch.log(yhat) + (1 - y) * torch.log(1 - yhat)
    return losses.mean() if reduction == "mean" else losses.sum()
