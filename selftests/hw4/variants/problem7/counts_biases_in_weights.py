"""conv_layer_counts puts the biases into the weight count too: (K^2 C F + F, F)."""
# expect: 7


def conv_layer_counts(K, C, F):
    return K * K * C * F + F, F
