"""2.a with t = 2, an extrapolation: the inequality holds for every convex f only when 0 < t < 1."""
# expect: 2.a
import torch


def nonconvexity_witness():
    one = torch.ones(1, 1)
    return one, (one, one), (-one, -one), 2.0
