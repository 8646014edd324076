"""clip_gradient_norm rescales grad in place (mul_) and returns it."""
# expect: 6.c
import torch


def clip_gradient_norm(grad, max_norm):
    norm = torch.linalg.vector_norm(grad)
    if norm > max_norm:
        grad.mul_(max_norm / norm)
    return grad
