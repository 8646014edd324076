"""hidden_state_regime runs 2000 steps in float64 and thresholds the norm: misses linear growth."""
# expect: 6.a
import torch


def hidden_state_regime(w_z, z1):
    state = z1.double()
    for _ in range(2000):
        state = w_z.double() @ state
    norm = torch.linalg.vector_norm(state).item()
    if norm < 1e-6:
        return "vanishing"
    if norm > 1e6:
        return "exploding"
    return "bounded"
