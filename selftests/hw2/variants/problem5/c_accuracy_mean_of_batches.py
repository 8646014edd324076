"""adversarial_accuracy averages per-batch accuracies (wrong when the last batch is smaller)."""
# expect: 5.c


def adversarial_accuracy(model, images, labels, eps, batch_size=100):
    clean, adversarial = [], []
    for start in range(0, len(images), batch_size):
        x, y = images[start:start + batch_size], labels[start:start + batch_size]
        x_adv = fgsm(model, x, y, eps)
        with torch.no_grad():
            clean.append((model(x).argmax(1) == y).float().mean().item())
            adversarial.append((model(x_adv).argmax(1) == y).float().mean().item())
    return sum(clean) / len(clean), sum(adversarial) / len(adversarial)
