"""parameters_per_layer with recurse=True: containers also count their children's parameters."""
# expect: 1.c


def parameters_per_layer(model):
    table = {}
    for name, module in model.named_modules():
        total = sum(p.numel() for p in module.parameters())
        if total:
            table[name] = total
    return table
