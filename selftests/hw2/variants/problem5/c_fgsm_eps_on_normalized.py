"""fgsm perturbs CIFAR-normalized images by eps and maps them back (the pixels move by eps * std)."""
# expect: 5.c
CIFAR_MEAN = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
CIFAR_STD = torch.tensor([0.2470, 0.2435, 0.2616]).view(1, 3, 1, 1)


def fgsm(model, x, y, eps):
    mean, std = CIFAR_MEAN.to(x.device), CIFAR_STD.to(x.device)
    normalized = (x - mean) / std
    attacked = normalized + eps * _loss_gradient(model, x, y).sign()
    return attacked * std + mean
