# ESE 546 HW2, problem 1 -- an example student submission (bundled with the autograder).
# It has one classic mistake: batch-norm parameters found by name ('bn' in the name), which misses
# the batch norm of ResNet's shortcut (`downsample.1`).
import torch
from torch import nn


def evaluate(model, images, labels, batch_size=100):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            logits = model(images[start:start + batch_size])
            correct += (logits.argmax(dim=1) == labels[start:start + batch_size]).sum().item()
    return correct / len(images)


def parameters_per_layer(model):
    counts = {}
    for name, module in model.named_modules():
        own = list(module.parameters(recurse=False))
        if own:
            counts[name] = sum(p.numel() for p in own)
    return counts


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def split_parameters(model):
    bn, biases, rest = [], [], []
    for name, p in model.named_parameters():
        if "bn" in name:
            bn.append(p)
        elif name.endswith("bias"):
            biases.append(p)
        else:
            rest.append(p)
    return bn, biases, rest
