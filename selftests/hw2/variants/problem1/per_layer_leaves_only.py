"""parameters_per_layer only for modules without children: misses containers that own raw parameters."""
# expect: 1.c


def parameters_per_layer(model):
    table = {}
    for name, module in model.named_modules():
        if len(list(module.children())) == 0:
            total = sum(p.numel() for p in module.parameters())
            if total:
                table[name] = total
    return table
