"""dilated_conv2d pads M to keep its size ('same'), instead of the valid positions only."""
# expect: 7
import torch


def dilated_conv2d(M, k, d):
    return torch.nn.functional.conv2d(M[None, None], k[None, None], dilation=d, padding="same")[0, 0]
