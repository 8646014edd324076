"""parameters_per_layer from each module's _parameters dict; count_parameters over unique ids with math.prod."""
# expect: full
import math


def parameters_per_layer(model):
    table = {}
    for name, module in model.named_modules():
        own = [p for p in module._parameters.values() if p is not None]
        if own:
            table[name] = sum(math.prod(p.shape) for p in own)
    return table


def count_parameters(model):
    unique = {id(p): p for _, module in model.named_modules() for p in module.parameters(recurse=False)}
    return sum(math.prod(p.shape) for p in unique.values())
