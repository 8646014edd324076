"""split_parameters by ResNet-18's names ('bn' or 'downsample.1', then 'bias'): right on ResNet-18 only."""
# expect: 1.e


def split_parameters(model):
    bn, bias, rest = [], [], []
    for name, param in model.named_parameters():
        if "bn" in name or "downsample.1" in name:
            bn.append(param)
        elif "bias" in name:
            bias.append(param)
        else:
            rest.append(param)
    return bn, bias, rest
