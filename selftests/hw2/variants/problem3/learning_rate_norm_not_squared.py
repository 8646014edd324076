"""effective_learning_rate divides by ||w|| instead of ||w||^2."""
# expect: 3.b
import torch


def effective_learning_rate(eta, w):
    return eta / torch.linalg.vector_norm(w).item()
