"""padding_and_stride searches the largest stride first with any padding: satisfies the formula
with paddings beyond k - 1 (half credit on each check)."""
# expect: 3.2


def padding_and_stride(h_in, h_out, k):
    for stride in range(h_in, 0, -1):
        for padding in range(h_in):
            if (h_in + 2 * padding - k) // stride + 1 == h_out:
                return (padding, stride)
    return (0, 1)
