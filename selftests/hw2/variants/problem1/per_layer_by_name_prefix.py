"""parameters_per_layer groups named_parameters() by name prefix: wrong key for the model's own
parameters, and a tied weight is counted under its first owner only."""
# expect: 1.c
from collections import defaultdict


def parameters_per_layer(model):
    table = defaultdict(int)
    for name, parameter in model.named_parameters():
        table[name.rsplit(".", 1)[0]] += parameter.numel()
    return dict(table)
