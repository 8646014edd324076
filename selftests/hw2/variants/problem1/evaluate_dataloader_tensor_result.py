"""evaluate with a DataLoader and torch.no_grad(), left in eval mode, returning a 0-d tensor."""
# expect: full
import torch
from torch.utils.data import DataLoader, TensorDataset


def evaluate(model, images, labels, batch_size=100):
    model.eval()
    correct = torch.zeros((), dtype=torch.long)
    with torch.no_grad():
        for x, y in DataLoader(TensorDataset(images, labels), batch_size=batch_size, shuffle=False):
            correct += (model(x).argmax(1) == y).sum()
    return correct.double() / len(images)
