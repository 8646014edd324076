"""NumPy throughout: 1/lam as lam**-1, a 0-d tensor learning rate, the p x p projection built in float32."""
# expect: full
import numpy as np
import sympy
import torch


def gradient_at_scaled_point(grad_w, lam):
    return grad_w.detach().cpu().numpy() * (1.0 / lam)


def scaled_gradient_factor(lam):
    return lam**-1


def effective_learning_rate(eta, w):
    return eta / torch.linalg.norm(w.reshape(-1)) ** 2


def direction_update(v, grad_v, eta, w_norm):
    v32 = v.detach().cpu().numpy().astype(np.float32)
    g32 = grad_v.detach().cpu().numpy().astype(np.float32)
    projection = np.eye(v32.shape[0], dtype=np.float32) - np.outer(v32, v32)
    return v32 - np.float32(eta / w_norm**2) * (projection @ g32)
