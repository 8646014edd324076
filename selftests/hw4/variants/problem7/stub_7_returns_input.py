"""7's functions are stubs that return (parts of) their input: earn nothing on 7."""
# expect: 7=0


def conv_layer_counts(K, C, F):
    return K, F


def pool_output_hw(W, H, K, S):
    return W, H


def layer_table(input_shape, layers):
    return [(0, tuple(input_shape)) for _ in layers]


def dilated_conv2d(M, k, d):
    return M


def receptive_field(layers):
    return len(layers)
