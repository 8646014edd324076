"""bce_loss always returns the mean, whatever reduction asks (bce_symbolic is right)."""
# expect: 1.2
import torch


def bce_loss(yhat, y, reduction="mean"):
    return (-(y * torch.log(yhat) + (1 - y) * torch.log(1 - yhat))).mean()
