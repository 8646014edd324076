"""clip_gradient_norm as unit direction times clipped length: 0/0 gives NaN for a zero gradient."""
# expect: 6.c
import torch


def clip_gradient_norm(grad, max_norm):
    norm = torch.linalg.vector_norm(grad)
    return grad / norm * torch.clamp(norm, max=max_norm)
