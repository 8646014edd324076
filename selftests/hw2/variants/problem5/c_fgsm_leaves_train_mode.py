"""fgsm calls model.train() before the attack and leaves the model in training mode."""
# expect: 5.c


def fgsm(model, x, y, eps):
    model.train()
    return _signed_step(model, x, y, eps)
