"""input_gradient returns the gradient of the negative loss (the descent direction)."""
# expect: 5.b


def input_gradient(model, x, y):
    return -_loss_gradient(model, x, y)
