"""hidden_state_regime decides from the spectral radius alone, ignoring z1 and Jordan blocks."""
# expect: 6.a
import torch


def hidden_state_regime(w_z, z1):
    radius = torch.linalg.eigvals(w_z.double()).abs().max().item()
    if abs(radius - 1) < 1e-9:
        return "bounded"
    return "vanishing" if radius < 1 else "exploding"
