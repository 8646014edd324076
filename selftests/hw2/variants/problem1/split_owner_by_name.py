"""split_parameters finds each parameter's owner from its name and tests explicit layer classes."""
# expect: full
from torch import nn

BATCH_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.SyncBatchNorm)
WITH_BIAS = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d,
             nn.ConvTranspose3d, nn.Linear)


def split_parameters(model):
    bn, bias, rest = [], [], []
    for name, param in model.named_parameters():
        owner_name, _, attribute = name.rpartition(".")
        owner = model.get_submodule(owner_name)
        if isinstance(owner, BATCH_NORMS):
            bn.append(param)
        elif isinstance(owner, WITH_BIAS) and attribute == "bias":
            bias.append(param)
        else:
            rest.append(param)
    return bn, bias, rest
