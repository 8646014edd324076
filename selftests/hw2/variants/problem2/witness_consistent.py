"""2.a with a pair of points where the convexity inequality holds (the witness proves nothing)."""
# expect: 2.a
import torch


def nonconvexity_witness():
    X = torch.ones(1, 1)
    A1 = B1 = 2 * torch.ones(1, 1)
    A2 = B2 = torch.zeros(1, 1)
    return X, (A1, B1), (A2, B2), 0.5
