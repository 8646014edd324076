"""count_parameters sums parameters_per_layer: a tied weight is counted once per module that owns it."""
# expect: 1.c


def count_parameters(model):
    return sum(parameters_per_layer(model).values())
