"""conv_layer_counts forgets the input depth: K^2 F weights."""
# expect: 7


def conv_layer_counts(K, C, F):
    return K * K * F, F
