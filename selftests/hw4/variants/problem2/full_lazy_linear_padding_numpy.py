"""Correct, written differently: conv_output_size with math.floor; net_with_kernel pads each
convolution by k // 2 (so 32 -> 32) and sizes fc1 lazily (nn.LazyLinear); train_epoch clears the
gradients after each step and averages with len(loader); evaluate under inference_mode with a
NumPy result."""
# expect: full
import math

import numpy as np


def conv_output_size(h, k, padding=0, stride=1, dilation=1):
    return int(math.floor((h + 2 * padding - dilation * (k - 1) - 1) / stride)) + 1


def net_with_kernel(k):
    return nn.Sequential(
        nn.Conv2d(3, 6, k, padding=k // 2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, k, padding=k // 2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.LazyLinear(120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def train_epoch(net, loader, optimizer, criterion):
    running_loss = 0.0
    for inputs, labels in loader:
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        running_loss += float(loss)
    return running_loss / len(loader)


def evaluate(net, loader):
    net.eval()
    hits = []
    with torch.inference_mode():
        for images, labels in loader:
            hits.append((net(images).argmax(dim=1) == labels).numpy())
    return np.concatenate(hits).mean()
