"""adversarial_accuracy divides the adversarial hits by the clean hits (attacks only correct images)."""
# expect: 5.c


def adversarial_accuracy(model, images, labels, eps, batch_size=100):
    clean = adversarial = 0
    for start in range(0, len(images), batch_size):
        x, y = images[start:start + batch_size], labels[start:start + batch_size]
        with torch.no_grad():
            right = model(x).argmax(1) == y
        clean += int(right.sum())
        if right.any():
            x_adv = fgsm(model, x[right], y[right], eps)
            with torch.no_grad():
                adversarial += int((model(x_adv).argmax(1) == y[right]).sum())
    return clean / len(images), adversarial / max(clean, 1)
