"""5.c's functions are stubs that return zeros: earn nothing on 5.c."""
# expect: 5.c=0
import torch


def fgsm(model, x, y, eps):
    return torch.zeros_like(x)


def adversarial_accuracy(model, images, labels, eps, batch_size=100):
    return 0.0, 0.0
