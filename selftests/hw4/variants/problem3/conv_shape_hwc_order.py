"""conv_output_shape returns (H, W, C), the order of the homework's sample answer."""
# expect: 3.2


def conv_output_shape(input_shape, c_out, k, padding=0, stride=1):
    _, h, w = input_shape
    return ((h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1, c_out)
