"""NumPy throughout: batch norm with the biased running variance (accepted), the shape with
math.floor, padding_and_stride solved stride by stride, the decay factor as -(2 alpha lam - 1)."""
# expect: full
import math

import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    a = x.detach().cpu().numpy()
    axes = tuple(d for d in range(a.ndim) if d != 1)
    shape = [1, -1] + [1] * (a.ndim - 2)
    rm, rv = running_mean.numpy(), running_var.numpy()
    if training:
        mu, var = a.mean(axis=axes), a.var(axis=axes)
        new_mean, new_var = (1 - momentum) * rm + momentum * mu, (1 - momentum) * rv + momentum * var
    else:
        mu, var, new_mean, new_var = rm, rv, rm.copy(), rv.copy()
    y = gamma.numpy().reshape(shape) * (a - mu.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) \
        + beta.numpy().reshape(shape)
    return y, new_mean, new_var


def conv_output_shape(input_shape, c_out, k, padding=0, stride=1):
    _, h, w = input_shape
    return (c_out, math.floor((h + 2 * padding - k) / stride) + 1, math.floor((w + 2 * padding - k) / stride) + 1)


def padding_and_stride(h_in, h_out, k):
    for stride in range(1, 10 * h_in):
        # floor((h_in + 2p - k)/s) = h_out - 1  <=>  s (h_out - 1) <= h_in + 2p - k < s h_out
        low = stride * (h_out - 1) - h_in + k
        padding = max(0, math.ceil(low / 2))
        if padding <= k - 1 and (h_in + 2 * padding - k) // stride + 1 == h_out:
            return (padding, stride)
    return None


def l2_gd_step(w, grad_L, alpha, lam):
    return w.numpy() - alpha * (grad_L.numpy() + 2 * lam * w.numpy())


def decay_factor(alpha, lam):
    return -(2 * alpha * lam - 1)
