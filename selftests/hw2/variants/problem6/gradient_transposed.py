"""rnn_weight_gradient returns the transpose of dl/dw_z (z^t zbar^(t+1)^T instead of zbar^(t+1) z^t^T)."""
# expect: 6.a
import torch


def rnn_weight_gradient(w_z, z1, T, grad_zT):
    gradient = torch.zeros_like(w_z)
    states = [z1]
    for _ in range(T - 2):
        states.append(w_z @ states[-1])
    upstream = grad_zT
    for state in reversed(states[: T - 1]):
        gradient = gradient + torch.outer(state, upstream)
        upstream = w_z.T @ upstream
    return gradient
