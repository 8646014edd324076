"""7's functions are stubs that return None, empty lists and zeros: earn nothing on 7."""
# expect: 7=0
import torch


def conv_layer_counts(K, C, F):
    return None


def pool_output_hw(W, H, K, S):
    return ()


def layer_table(input_shape, layers):
    return []


def dilated_conv2d(M, k, d):
    return torch.zeros(M.shape[0] - (k.shape[0] - 1) * d, M.shape[1] - (k.shape[1] - 1) * d,
                       dtype=torch.float64)


def receptive_field(layers):
    return 0
