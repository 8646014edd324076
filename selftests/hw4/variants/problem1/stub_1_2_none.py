"""1.2's functions are stubs that return None: earn nothing on 1.2."""
# expect: 1.2=0


def bce_symbolic(y, yhat):
    return None


def bce_loss(yhat, y, reduction="mean"):
    return None
