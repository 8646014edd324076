"""5.c's functions are stubs that return their inputs (the images, eps): earn nothing on 5.c."""
# expect: 5.c=0


def fgsm(model, x, y, eps):
    return x


def adversarial_accuracy(model, images, labels, eps, batch_size=100):
    return eps, eps
