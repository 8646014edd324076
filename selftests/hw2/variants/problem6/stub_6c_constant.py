"""clip_gradient_norm is a stub that returns ones of the right shape: earns nothing on 6.c."""
# expect: 6.c=0
import torch


def clip_gradient_norm(grad, max_norm):
    return torch.ones_like(grad)
