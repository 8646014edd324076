"""effective_learning_rate uses torch.linalg.norm(w, 2): the spectral norm for a matrix (an error for 4-D)."""
# expect: 3.b
import torch


def effective_learning_rate(eta, w):
    return eta / torch.linalg.norm(w, 2).item() ** 2
