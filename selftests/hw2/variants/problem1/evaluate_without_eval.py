"""evaluate forgets model.eval(): batch norm uses batch statistics and updates them, dropout stays on."""
# expect: 1.b
import torch


def evaluate(model, images, labels, batch_size=100):
    correct = 0
    with torch.no_grad():
        for x, y in zip(images.split(batch_size), labels.split(batch_size)):
            correct += (model(x).argmax(1) == y).sum().item()
    return correct / len(images)
