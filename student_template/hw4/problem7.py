"""HW4 Problem 7: the feature dimensions of a convolutional neural network.

A feature map has shape W x H x C (width, height, channels). Conventions for every function below:

- A convolutional layer with F filters of size K x K, padding P and stride S maps W x H x C to
  W' x H' x F with W' = floor((W - K + 2P)/S) + 1 (the same for H); it has K*K*C*F weights and F
  biases. A K x K max pooling layer with stride S has no parameters and maps W x H x C to
  floor((W - K)/S) + 1 x floor((H - K)/S) + 1 x C (no padding: a partial window at the edge is
  dropped, so POOL2 of a width of 7 gives 3).
- Integers are Python ints (an integer-valued NumPy or tensor scalar is accepted); a shape is a
  tuple of ints (a list is accepted).
- Matrix inputs are 2-D float64 `torch.Tensor`s; return a tensor (a NumPy array with the same values
  is accepted). Never modify an argument in place.
"""
from __future__ import annotations

import torch

Tensor = torch.Tensor


def conv_layer_counts(K: int, C: int, F: int) -> tuple[int, int]:
    """7: the numbers of weights and of biases of a convolutional layer.

    Args:
        K: the filter size (each filter is K x K x C), an int >= 1.
        C: the number of input channels, an int >= 1.
        F: the number of filters (output channels), an int >= 1.

    Returns:
        (number of weights, number of biases), a tuple of two ints. Padding and stride do not
        change them.

    Example: K = 3, C = 1, F = 10 gives (90, 10).
    """
    raise NotImplementedError("7: return (weights, biases)")


def pool_output_hw(W: int, H: int, K: int, S: int) -> tuple[int, int]:
    """7: the output width and height of a K x K max pooling layer with stride S (no padding).

    Args:
        W, H: the input width and height, ints >= K.
        K: the window size, an int >= 1.
        S: the stride, an int >= 1 (it may differ from K).

    Returns:
        (W', H'), a tuple of two ints: W' = floor((W - K)/S) + 1, H' likewise.

    Example: W = 28, H = 14, K = 2, S = 2 gives (14, 7).
    """
    raise NotImplementedError("7: return (W', H')")


def layer_table(input_shape: tuple[int, int, int], layers: list[str]) -> list[tuple[int, tuple[int, ...]]]:
    """7: the number of parameters and the output shape of every layer of a network (Table 1).

    Layers are written as in the problem:

    - "CONVk-F": F filters of size k x k x C (C the channels coming in), k odd, padding (k - 1)/2,
      stride 1 (so W and H are unchanged), with biases;
    - "POOLk": k x k max pooling with stride k, no padding;
    - "FLATTEN": the feature map as a vector of W*H*C values;
    - "FC-K": a fully connected layer with K outputs, with biases (it follows FLATTEN or FC).

    Args:
        input_shape: (W, H, C) of the input, a tuple of three ints.
        layers: the layers in order, a list of strings as above (no "Input" entry).

    Returns:
        A list with one entry per layer: (number of parameters, output shape), where the number
        is an int (weights plus biases; 0 for POOL and FLATTEN) and the shape is a tuple (W, H, C)
        for a feature map and (n,) after FLATTEN or FC.

    Example: (28, 28, 1) with ["CONV3-10", "POOL2", "FLATTEN", "FC-3"] gives
        [(100, (28, 28, 10)), (0, (14, 14, 10)), (0, (1960,)), (5883, (3,))].
    """
    raise NotImplementedError("7: return [(parameters, output shape), ...]")


def dilated_conv2d(M: Tensor, k: Tensor, d: int) -> Tensor:
    """7: the dilated convolution of a matrix with a kernel, as a CNN layer computes it.

    The kernel is dilated by d: d - 1 zeros are put between neighbouring kernel entries (d = 1 is
    the plain kernel), so a kh x kw kernel covers (kh - 1) d + 1 rows and (kw - 1) d + 1 columns.
    Like a CNN layer, this is a cross-correlation (the kernel is NOT flipped), with stride 1 and
    no padding ("valid": only positions where the dilated kernel lies inside M).

    Args:
        M: the input, shape (H, W), float64.
        k: the kernel, shape (kh, kw), float64 (not necessarily square or symmetric).
        d: the dilation, an int >= 1, small enough that the dilated kernel fits inside M.

    Returns:
        A tensor of shape (H - (kh - 1) d, W - (kw - 1) d) whose entry (i, j) is
        sum_{a, b} k[a, b] * M[i + a d, j + b d].

    Example: M = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], k = [[1, 1], [1, 1]], d = 2 gives [[20.]]
    (1 + 3 + 7 + 9).
    """
    raise NotImplementedError("7: return the valid dilated cross-correlation")


def receptive_field(layers: list[tuple[int, int, int]]) -> int:
    """7: the receptive field, in input pixels along one side, of one output pixel of a stack.

    The receptive field of a pixel of the last layer is the side of the square region of the
    original input whose pixels can affect it.

    Args:
        layers: the layers from the input onwards, each a tuple (k, s, d): kernel size k, stride
            s, dilation d (ints >= 1; a max pooling layer is (k, s, 1)). Padding does not change
            the receptive field.

    Returns:
        An int: 1 + sum_l (k_l - 1) d_l prod_{j < l} s_j (1 for an empty stack).

    Example: [(3, 1, 1), (3, 1, 2)] (a 3 x 3 layer, then a 3 x 3 layer with dilation 2) gives 7.
    """
    raise NotImplementedError("7: return the receptive field")
