"""parameters_per_layer with named_parameters(recurse=False); count_parameters over a set of all occurrences."""
# expect: full


def parameters_per_layer(model):
    result = {}
    for module_name, module in model.named_modules():
        total = sum(p.numel() for _, p in module.named_parameters(recurse=False))
        if total > 0:
            result[module_name] = total
    return result


def count_parameters(model):
    every_occurrence = (p for _, p in model.named_parameters(remove_duplicate=False))
    return sum(p.numel() for p in set(every_occurrence))
