"""3.2's functions are stubs that return the homework's example answers, (64, 62, 62) and (1, 2):
earn nothing on 3.2."""
# expect: 3.2=0


def conv_output_shape(input_shape, c_out, k, padding=0, stride=1):
    return (64, 62, 62)


def padding_and_stride(h_in, h_out, k):
    return (1, 2)
