"""7's functions are stubs that return constants: earn nothing on 7."""
# expect: 7=0
import torch


def conv_layer_counts(K, C, F):
    return 0, 0


def pool_output_hw(W, H, K, S):
    return 1, 1


def layer_table(input_shape, layers):
    return [(0, (1, 1, 1)) for _ in layers]


def dilated_conv2d(M, k, d):
    return torch.ones(1, 1, dtype=torch.float64)


def receptive_field(layers):
    return 1
