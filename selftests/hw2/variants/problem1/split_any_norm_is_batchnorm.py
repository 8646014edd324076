"""split_parameters treats every normalisation layer (LayerNorm, GroupNorm, InstanceNorm) as batch norm."""
# expect: 1.e
from torch import nn


def split_parameters(model):
    seen, bn, bias, rest = set(), [], [], []
    for module in model.modules():
        for attribute, param in module.named_parameters(recurse=False):
            if id(param) in seen:
                continue
            seen.add(id(param))
            if "Norm" in type(module).__name__:
                bn.append(param)
            elif isinstance(module, (nn.modules.conv._ConvNd, nn.Linear)) and attribute == "bias":
                bias.append(param)
            else:
                rest.append(param)
    return bn, bias, rest
