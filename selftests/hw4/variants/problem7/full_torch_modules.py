"""Counts read off real torch.nn layers, layer_table by running a zero image through them (lists as
shapes), dilated_conv2d with F.conv2d(dilation=d), the receptive field by the backward recursion."""
# expect: full
import torch
from torch import nn


def conv_layer_counts(K, C, F):
    layer = nn.Conv2d(C, F, K)
    return layer.weight.numel(), layer.bias.numel()


def pool_output_hw(W, H, K, S):
    out = nn.MaxPool2d(K, S)(torch.zeros(1, 1, H, W))
    return [out.shape[3], out.shape[2]]


def layer_table(input_shape, layers):
    W, H, C = input_shape
    x = torch.zeros(1, C, H, W)
    rows = []
    for name in layers:
        if name.startswith("CONV"):
            k, f = (int(v) for v in name[4:].split("-"))
            module = nn.Conv2d(x.shape[1], f, k, padding=(k - 1) // 2)
        elif name.startswith("POOL"):
            module = nn.MaxPool2d(int(name[4:]))
        elif name == "FLATTEN":
            module = nn.Flatten(0)
        else:
            module = nn.Linear(x.shape[0], int(name.split("-")[1]))
        x = module(x)
        shape = [x.shape[3], x.shape[2], x.shape[1]] if x.dim() == 4 else [x.shape[0]]
        rows.append((sum(p.numel() for p in module.parameters()), shape))
    return rows


def dilated_conv2d(M, k, d):
    return torch.nn.functional.conv2d(M[None, None], k[None, None], dilation=d)[0, 0]


def receptive_field(layers):
    field = 1
    for k, s, d in reversed(layers):
        field = s * (field - 1) + (k - 1) * d + 1
    return field
