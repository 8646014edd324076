# ESE 546 HW2, problem 3 -- example student submission.
# Mistake: the effective learning rate divides by ||w|| instead of ||w||^2.
import torch


def gradient_at_scaled_point(grad_w, lam):
    return grad_w / lam


def scaled_gradient_factor(lam):
    return 1 / lam


def effective_learning_rate(eta, w):
    return eta / torch.linalg.norm(w).item()


def direction_update(v, grad_v, eta, w_norm):
    projection = torch.eye(len(v), dtype=v.dtype) - torch.outer(v, v)
    return v - eta / w_norm**2 * projection @ grad_v
