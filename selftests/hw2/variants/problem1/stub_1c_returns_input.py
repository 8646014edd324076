"""parameters_per_layer and count_parameters are stubs that return the model: earn nothing on 1.c."""
# expect: 1.c=0


def parameters_per_layer(model):
    return model


def count_parameters(model):
    return model
