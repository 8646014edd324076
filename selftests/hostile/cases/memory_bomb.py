"""Allocates memory until something stops it."""
# expect: 3.a
# limits: MEMORY_MB=600 CALL_S=20
import torch


def scaled_gradient_factor(lam):
    kept = []
    while True:
        kept.append(torch.ones(2**23))  # 32 MB, touched
