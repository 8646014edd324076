"""direction_update renormalizes the result to unit norm (the contract asks for the formula as written)."""
# expect: 3.b
import torch


def direction_update(v, grad_v, eta, w_norm):
    moved = v - (eta / w_norm**2) * (grad_v - v * torch.dot(v, grad_v))
    return moved / torch.linalg.vector_norm(moved)
