"""1.2's functions are stubs that return an argument: earn nothing on 1.2."""
# expect: 1.2=0


def bce_symbolic(y, yhat):
    return yhat


def bce_loss(yhat, y, reduction="mean"):
    return yhat
