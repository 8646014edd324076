"""dilated_conv2d flips the kernel (a true convolution, the signal-processing definition)."""
# expect: 7
import torch

_reference_dilated_conv2d = dilated_conv2d


def dilated_conv2d(M, k, d):
    return _reference_dilated_conv2d(M, torch.flip(k, dims=(0, 1)), d)
