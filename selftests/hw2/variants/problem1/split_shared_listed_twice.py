"""split_parameters walks every module's own parameters without de-duplicating: a tied weight appears twice."""
# expect: 1.e
from torch import nn


def split_parameters(model):
    bn, bias, rest = [], [], []
    for module in model.modules():
        for attribute, param in module.named_parameters(recurse=False):
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                bn.append(param)
            elif isinstance(module, (nn.modules.conv._ConvNd, nn.Linear)) and attribute == "bias":
                bias.append(param)
            else:
                rest.append(param)
    return bn, bias, rest
