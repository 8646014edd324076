"""another_factorization is a stub that returns zero matrices of the right shapes: earns nothing on 2.c."""
# expect: 2.c=0
import torch


def another_factorization(A, B):
    return torch.zeros_like(A), torch.zeros_like(B)
