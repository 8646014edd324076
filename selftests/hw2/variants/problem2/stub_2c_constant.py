"""another_factorization is a stub that returns all-ones matrices of the right shapes: earns nothing on 2.c."""
# expect: 2.c=0
import torch


def another_factorization(A, B):
    return torch.ones_like(A), torch.ones_like(B)
