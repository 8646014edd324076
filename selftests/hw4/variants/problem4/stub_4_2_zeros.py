"""gan_gradients is a stub that returns zeros of the right shapes: earns nothing on 4.2."""
# expect: 4.2=0
import torch


def gan_gradients(W_g, W_d, x, r):
    return torch.zeros_like(W_g), torch.zeros_like(W_d)
