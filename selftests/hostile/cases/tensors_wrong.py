"""NaN, infinity, a wrong dtype and a wrong shape."""
# expect: 3.a,3.b
import torch

_gradient, _update = gradient_at_scaled_point, direction_update


def gradient_at_scaled_point(grad_w, lam):
    value = _gradient(grad_w, lam).clone()
    value.view(-1)[0] = float("nan")
    return value


def effective_learning_rate(eta, w):
    return float("inf")


def direction_update(v, grad_v, eta, w_norm):
    value = _update(v, grad_v, eta, w_norm)
    return torch.cat([value, value]).to(torch.complex64)
