"""evaluate averages per-batch accuracies: wrong whenever the last batch is smaller."""
# expect: 1.b
import torch


def evaluate(model, images, labels, batch_size=100):
    model.eval()
    accuracies = []
    with torch.no_grad():
        for x, y in zip(images.split(batch_size), labels.split(batch_size)):
            accuracies.append((model(x).argmax(1) == y).float().mean().item())
    return sum(accuracies) / len(accuracies)
