"""dilated_conv2d puts d zeros between taps instead of d - 1 (spacing d + 1)."""
# expect: 7
_reference_dilated_conv2d = dilated_conv2d


def dilated_conv2d(M, k, d):
    return _reference_dilated_conv2d(M, k, d + 1)
