"""split_parameters takes batch norm to be names containing 'bn': misses downsample.1 in ResNet-18."""
# expect: 1.e


def split_parameters(model):
    bn, bias, rest = [], [], []
    for name, param in model.named_parameters():
        if "bn" in name:
            bn.append(param)
        elif name.endswith("bias"):
            bias.append(param)
        else:
            rest.append(param)
    return bn, bias, rest
