"""split_parameters collects batch-norm and bias parameters by identity, then the rest from parameters()."""
# expect: full
from torch import nn


def split_parameters(model):
    batch_norm = {}
    biases = {}
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            for p in (module.weight, module.bias):
                if p is not None:
                    batch_norm[id(p)] = p
        elif isinstance(module, (nn.modules.conv._ConvNd, nn.Linear)) and module.bias is not None:
            biases[id(module.bias)] = module.bias
    rest = [p for p in model.parameters() if id(p) not in batch_norm and id(p) not in biases]
    return (list(batch_norm.values()), list(biases.values()), rest)
