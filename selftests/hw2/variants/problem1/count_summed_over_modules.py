"""count_parameters sums model.parameters() of every module of named_modules(): counts nested ones repeatedly."""
# expect: 1.c


def count_parameters(model):
    return sum(p.numel() for _, module in model.named_modules() for p in module.parameters())
