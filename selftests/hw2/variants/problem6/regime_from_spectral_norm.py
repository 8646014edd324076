"""hidden_state_regime decides from the largest singular value ||w_z||_2 alone."""
# expect: 6.a
import torch


def hidden_state_regime(w_z, z1):
    norm = torch.linalg.matrix_norm(w_z.double(), ord=2).item()
    if abs(norm - 1) < 1e-9:
        return "bounded"
    return "vanishing" if norm < 1 else "exploding"
