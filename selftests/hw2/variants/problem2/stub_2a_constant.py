"""nonconvexity_witness is a stub: a well-formed tuple whose two points coincide (no violation): earns
nothing on 2.a."""
# expect: 2.a=0
import torch


def nonconvexity_witness():
    X = torch.ones(2, 2)
    A = torch.ones(2, 1)
    B = torch.ones(1, 2)
    return X, (A, B), (A.clone(), B.clone()), 0.5
