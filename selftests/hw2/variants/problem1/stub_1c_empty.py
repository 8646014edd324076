"""parameters_per_layer and count_parameters are stubs that return {} and 0: earn nothing on 1.c."""
# expect: 1.c=0


def parameters_per_layer(model):
    return {}


def count_parameters(model):
    return 0
