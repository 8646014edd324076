"""2.c reversing the order of A's columns and B's rows: for r = 1 this changes nothing."""
# expect: 2.c
import torch


def another_factorization(A, B):
    return torch.flip(A, dims=[1]), torch.flip(B, dims=[0])
