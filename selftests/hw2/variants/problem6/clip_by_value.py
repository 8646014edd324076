"""clip_gradient_norm clamps each entry to [-max_norm, max_norm] instead of rescaling the norm."""
# expect: 6.c
import torch


def clip_gradient_norm(grad, max_norm):
    return torch.clamp(grad, -max_norm, max_norm)
