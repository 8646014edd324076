"""parameters_per_layer and count_parameters are stubs that return constants: earn nothing on 1.c."""
# expect: 1.c=0


def parameters_per_layer(model):
    return {"fc": 1}


def count_parameters(model):
    return 1
