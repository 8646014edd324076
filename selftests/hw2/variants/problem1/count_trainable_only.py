"""count_parameters counts only parameters with requires_grad (the usual snippet): misses frozen ones."""
# expect: 1.c


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
