"""3.2's functions are stubs that return None / (0, 1): earn nothing on 3.2."""
# expect: 3.2=0


def conv_output_shape(input_shape, c_out, k, padding=0, stride=1):
    return None


def padding_and_stride(h_in, h_out, k):
    return (0, 1)
