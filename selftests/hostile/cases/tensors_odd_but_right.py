"""Right values in unusual forms: a sparse tensor of a non-contiguous view, a NumPy scalar, a subclass."""
# expect: full
import numpy as np
import torch

_gradient, _rate, _update = gradient_at_scaled_point, effective_learning_rate, direction_update


class Plain(torch.Tensor):
    pass


def gradient_at_scaled_point(grad_w, lam):
    value = _gradient(grad_w, lam)
    doubled = torch.stack([value, value], dim=1)[:, 0]  # non-contiguous view
    return doubled.to_sparse() if value.dim() == 1 else doubled


def effective_learning_rate(eta, w):
    return np.float64(_rate(eta, w))


def direction_update(v, grad_v, eta, w_norm):
    return _update(v, grad_v, eta, w_norm).as_subclass(Plain)
