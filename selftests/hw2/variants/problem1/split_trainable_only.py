"""split_parameters skips frozen parameters (requires_grad=False), as an optimizer filter would."""
# expect: 1.e
from torch import nn


def split_parameters(model):
    owners = dict(model.named_modules())
    bn, bias, rest = [], [], []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        owner_name, _, attribute = name.rpartition(".")
        owner = owners[owner_name]
        if isinstance(owner, nn.modules.batchnorm._BatchNorm):
            bn.append(param)
        elif isinstance(owner, (nn.modules.conv._ConvNd, nn.Linear)) and attribute == "bias":
            bias.append(param)
        else:
            rest.append(param)
    return bn, bias, rest
