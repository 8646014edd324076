"""receptive_field adds (k - 1) d per layer but ignores the strides of earlier layers."""
# expect: 7


def receptive_field(layers):
    return 1 + sum((k - 1) * d for k, s, d in layers)
