"""clip_gradient_norm measures a matrix by torch.linalg.norm(grad, 2): the spectral norm, not Frobenius."""
# expect: 6.c
import torch


def clip_gradient_norm(grad, max_norm):
    norm = torch.linalg.norm(grad, 2)
    if norm > max_norm:
        return grad * (max_norm / norm)
    return grad.clone()
