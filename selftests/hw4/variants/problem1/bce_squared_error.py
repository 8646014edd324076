"""Squared error (y - yhat)^2 instead of the cross-entropy."""
# expect: 1.2


def bce_symbolic(y, yhat):
    return (y - yhat) ** 2


def bce_loss(yhat, y, reduction="mean"):
    losses = (y - yhat) ** 2
    return losses.mean() if reduction == "mean" else losses.sum()
