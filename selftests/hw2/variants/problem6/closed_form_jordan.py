"""Closed-form sum of powers (NumPy), regime from the Jordan form, sympy.diff, clip_grad_norm_ on a copy."""
# expect: full
import numpy as np
import sympy
import torch


def rnn_weight_gradient(w_z, z1, T, grad_zT):
    w = w_z.detach().cpu().numpy()
    z = z1.detach().cpu().numpy()
    g = grad_zT.detach().cpu().numpy()
    total = np.zeros_like(w)
    for k in range(T - 1):  # dl/dw = sum_k (w^k)^T g (w^(T-2-k) z1)^T
        left = np.linalg.matrix_power(w, k).T @ g
        right = np.linalg.matrix_power(w, T - 2 - k) @ z
        total += np.outer(left, right)
    return total


def hidden_state_regime(w_z, z1):
    size = w_z.shape[0]
    entries = [sympy.nsimplify(float(x), rational=True) for x in w_z.flatten().tolist()]
    w = sympy.Matrix(size, size, entries)
    z = sympy.Matrix(size, 1, [sympy.nsimplify(float(x), rational=True) for x in z1.tolist()])
    if z.is_zero_matrix:
        return "vanishing"
    change, jordan = w.jordan_form()
    coordinates = change.inv() * z
    regime = "vanishing"
    start = 0
    while start < size:  # walk the Jordan blocks: a block ends where the superdiagonal has a 0
        end = start
        while end + 1 < size and jordan[end, end + 1] == 1:
            end += 1
        reached = [i for i in range(start, end + 1) if sympy.simplify(coordinates[i]) != 0]
        if reached:
            chain = max(reached) - start + 1  # how much of the block z1 reaches
            modulus = sympy.simplify(sympy.Abs(jordan[start, start]))
            if modulus > 1 or (modulus == 1 and chain > 1):
                return "exploding"
            if modulus == 1:
                regime = "bounded"
        start = end + 1
    return regime


def scalar_rnn_gradient(w, z1, T, g):
    return sympy.diff(w ** (T - 1) * z1, w) * g


def clip_gradient_norm(grad, max_norm):
    copy = grad.detach().clone()
    holder = torch.nn.Parameter(torch.zeros_like(copy))
    holder.grad = copy
    torch.nn.utils.clip_grad_norm_([holder], max_norm)
    return holder.grad
