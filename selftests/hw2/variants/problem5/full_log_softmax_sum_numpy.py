"""log_softmax + nll_loss with sum reduction, NumPy results, clipping to [0, 1], losses as a list."""
# expect: full


def input_gradient(model, x, y):
    with torch.enable_grad():
        x = x.detach().clone().requires_grad_(True)
        loss = F.nll_loss(F.log_softmax(model(x), dim=1), y, reduction="sum")
        (grad,) = torch.autograd.grad(loss, x)
    return grad.cpu().numpy()


def fgsm(model, x, y, eps):
    step = torch.from_numpy(np.sign(input_gradient(model, x, y))).to(x.device)
    return (x + eps * step).clamp(0, 1).cpu().numpy()


def signed_gradient_attack(model, x, y, eps, steps=5):
    losses = []
    for _ in range(steps):
        x = torch.from_numpy(fgsm(model, x, y, eps)).to(x.device)
        with torch.no_grad():
            losses.append(float(F.cross_entropy(model(x), y)))
    return x, losses


def adversarial_accuracy(model, images, labels, eps, batch_size=100):
    clean, adversarial = [], []
    for start in range(0, len(images), batch_size):
        x, y = images[start:start + batch_size], labels[start:start + batch_size]
        x_adv = torch.from_numpy(fgsm(model, x, y, eps)).to(x.device)
        with torch.no_grad():
            clean.append((model(x).argmax(1) == y).cpu().numpy())
            adversarial.append((model(x_adv).argmax(1) == y).cpu().numpy())
    return float(np.concatenate(clean).mean()), float(np.concatenate(adversarial).mean())
