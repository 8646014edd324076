"""evaluate returns a percentage instead of a fraction in [0, 1]."""
# expect: 1.b
import torch


def evaluate(model, images, labels, batch_size=100):
    model.eval()
    correct = 0
    with torch.no_grad():
        for x, y in zip(images.split(batch_size), labels.split(batch_size)):
            correct += (model(x).argmax(1) == y).sum().item()
    return 100.0 * correct / len(images)
