"""nonconvexity_witness is a stub of zero matrices with t = 0.5: earns nothing on 2.a."""
# expect: 2.a=0
import torch


def nonconvexity_witness():
    return torch.zeros(2, 2), (torch.zeros(2, 1), torch.zeros(1, 2)), (torch.zeros(2, 1), torch.zeros(1, 2)), 0.5
