"""split_parameters returns p.data (plain tensors) instead of the parameter objects."""
# expect: 1.e
from torch import nn


def split_parameters(model):
    bn, bias, rest = [], [], []
    for name, module in model.named_modules():
        for attribute, param in module.named_parameters(recurse=False):
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                bn.append(param.data)
            elif isinstance(module, (nn.modules.conv._ConvNd, nn.Linear)) and attribute == "bias":
                bias.append(param.data)
            else:
                rest.append(param.data)
    return bn, bias, rest
