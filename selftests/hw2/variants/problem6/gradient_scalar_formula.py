"""rnn_weight_gradient carries the scalar (T-1) w^(T-2) over as (T-1) grad_zT (w^(T-2) z1)^T."""
# expect: 6.a
import torch


def rnn_weight_gradient(w_z, z1, T, grad_zT):
    if T == 1:
        return torch.zeros_like(w_z)
    return (T - 1) * torch.outer(grad_zT, torch.linalg.matrix_power(w_z, T - 2) @ z1)
