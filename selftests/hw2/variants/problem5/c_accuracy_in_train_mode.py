"""adversarial_accuracy evaluates with the model in training mode (restored afterwards)."""
# expect: 5.c


def adversarial_accuracy(model, images, labels, eps, batch_size=100):
    model.train()
    clean = adversarial = 0
    for start in range(0, len(images), batch_size):
        x, y = images[start:start + batch_size], labels[start:start + batch_size]
        x_adv = _signed_step(model, x, y, eps)
        with torch.no_grad():
            clean += int((model(x).argmax(1) == y).sum())
            adversarial += int((model(x_adv).argmax(1) == y).sum())
    model.eval()
    return clean / len(images), adversarial / len(images)
