"""split_parameters tests 'bias' in the name first: batch-norm biases land among the biases."""
# expect: 1.e
from torch import nn


def split_parameters(model):
    bn, bias, rest = [], [], []
    owners = dict(model.named_modules())
    for name, param in model.named_parameters():
        if "bias" in name:
            bias.append(param)
        elif isinstance(owners[name.rpartition(".")[0]], nn.BatchNorm2d):
            bn.append(param)
        else:
            rest.append(param)
    return bn, bias, rest
