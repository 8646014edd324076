"""split_parameters is a stub that puts every parameter in rest: earns nothing on 1.e."""
# expect: 1.e=0


def split_parameters(model):
    return [], [], list(model.parameters())
