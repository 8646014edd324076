"""2.c with (A Q, Q B) for a rotation Q: Q should be transposed (inverted) on the B side."""
# expect: 2.c
import torch


def another_factorization(A, B):
    r = A.shape[1]
    Q, _ = torch.linalg.qr(torch.randn(r, r, dtype=A.dtype, device=A.device))
    Q = -Q
    return A @ Q, Q @ B
