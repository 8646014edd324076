"""split_parameters knows only BatchNorm2d, Conv2d and Linear: misses BatchNorm1d/3d and other convolutions."""
# expect: 1.e
from torch import nn


def split_parameters(model):
    bn, bias, rest = [], [], []
    for module in model.modules():
        for attribute, param in module.named_parameters(recurse=False):
            if isinstance(module, nn.BatchNorm2d):
                bn.append(param)
            elif isinstance(module, (nn.Conv2d, nn.Linear)) and attribute == "bias":
                bias.append(param)
            else:
                rest.append(param)
    return bn, bias, rest
