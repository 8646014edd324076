"""receptive_field sums the dilated kernel sizes (k - 1) d + 1 (8 instead of 7 for the example)."""
# expect: 7


def receptive_field(layers):
    return sum((k - 1) * d + 1 for k, s, d in layers) if layers else 1
