"""conv_output_shape adds the padding once (H + p - k) instead of on both sides."""
# expect: 3.2


def conv_output_shape(input_shape, c_out, k, padding=0, stride=1):
    _, h, w = input_shape
    return (c_out, (h + padding - k) // stride + 1, (w + padding - k) // stride + 1)
