"""5.c's functions are stubs that return constants (a grey image, accuracies 1 and 0): earn nothing on 5.c."""
# expect: 5.c=0
import torch


def fgsm(model, x, y, eps):
    return torch.full_like(x, 0.5)


def adversarial_accuracy(model, images, labels, eps, batch_size=100):
    return 1.0, 0.0
