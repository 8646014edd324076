"""All of Problem 2 with NumPy arrays: a 2x2 witness at t = 0.3, U_r S_r with V_r^T, and (A M, M^-1 B)."""
# expect: full
import numpy as np


def nonconvexity_witness():
    X = np.eye(2)
    A1, B1 = np.array([[1.0], [0.0]]), np.array([[1.0, 0.0]])
    A2, B2 = -A1, -B1
    return X, (A1, B1), (A2, B2), 0.3


def optimal_factorization(X, r):
    U, S, Vt = np.linalg.svd(X.detach().cpu().numpy(), full_matrices=False)
    return U[:, :r] * S[:r], Vt[:r].copy()


def another_factorization(A, B):
    """M = -(I + ones above the diagonal): invertible, and not the identity even when r = 1."""
    A, B = A.detach().cpu().numpy(), B.detach().cpu().numpy()
    r = A.shape[1]
    M = -(np.eye(r) + np.triu(np.ones((r, r)), 1)).astype(A.dtype)
    return A @ M, np.linalg.solve(M, B)
