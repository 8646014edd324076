"""fgsm subtracts eps * sign(gradient): it lowers the loss."""
# expect: 5.c


def fgsm(model, x, y, eps):
    return x - eps * _loss_gradient(model, x, y).sign()
