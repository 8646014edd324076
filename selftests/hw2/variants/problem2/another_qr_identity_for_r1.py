"""2.c with (A Q, Q^T B) for Q from QR of a Gaussian: when r = 1 that Q is [[1]], so A does not change."""
# expect: 2.c
import torch


def another_factorization(A, B):
    r = A.shape[1]
    Q, _ = torch.linalg.qr(torch.randn(r, r, dtype=A.dtype, device=A.device))
    return A @ Q, Q.T @ B
