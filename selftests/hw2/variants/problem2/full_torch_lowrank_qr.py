"""Problem 2 another way: X = 0 witness with a 0-d tensor t, float32 torch.svd_lowrank, (A Q, Q^T B) with Q from QR."""
# expect: full
import torch


def nonconvexity_witness():
    """f = (ab)^2 is 0 at (1, 0) and at (0, 1) but 1/16 midway."""
    zero, one = torch.zeros(1, 1), torch.ones(1, 1)
    return zero, (one, zero), (zero, one), torch.tensor(0.5)


def optimal_factorization(X, r):
    """Computed in float32 whatever the input dtype; q = min(m, n) makes the low-rank SVD exact."""
    U, S, V = torch.svd_lowrank(X.float(), q=min(X.shape), niter=4)
    return U[:, :r] * S[:r], V[:, :r].T


def another_factorization(A, B):
    """Q is negated: QR of a 1 x 1 matrix gives Q = [[1]], which would leave A unchanged when r = 1."""
    r = A.shape[1]
    Q, _ = torch.linalg.qr(torch.randn(r, r, dtype=A.dtype, device=A.device))
    Q = -Q
    return A @ Q, Q.T @ B
