"""signed_gradient_attack adds eps to CIFAR-normalized images (the pixels move by eps * std)."""
# expect: 5.b
CIFAR_MEAN = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
CIFAR_STD = torch.tensor([0.2470, 0.2435, 0.2616]).view(1, 3, 1, 1)


def signed_gradient_attack(model, x, y, eps, steps=5):
    mean, std = CIFAR_MEAN.to(x.device), CIFAR_STD.to(x.device)
    losses = []
    for _ in range(steps):
        normalized = (x - mean) / std + eps * _loss_gradient(model, x, y).sign()
        x = normalized * std + mean
        with torch.no_grad():
            losses.append(F.cross_entropy(model(x), y))
    return x, torch.stack(losses)
