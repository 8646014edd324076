# ESE 546 HW2, problem 2 -- example student submission: correct, written with NumPy.
import numpy as np
import torch


def nonconvexity_witness():
    X = torch.ones(1, 1)
    one = torch.ones(1, 1)
    return X, (one, one), (-one, -one), 0.5


def optimal_factorization(X, r):
    U, s, Vt = np.linalg.svd(X.detach().cpu().double().numpy(), full_matrices=False)
    return U[:, :r] * s[:r], Vt[:r]


def another_factorization(A, B):
    return 2 * A, B / 2
