"""Every 1.1 gradient by torch.autograd: right on tensors, an error on the sympy call."""
# expect: 1.1
import torch


def grad_xTx(x):
    v = x.detach().clone().requires_grad_(True)
    return torch.autograd.grad(v @ v, v)[0]


def grad_trace_AtA(A):
    M = A.detach().clone().requires_grad_(True)
    return torch.autograd.grad(torch.trace(M.T @ M), M)[0]


def grad_xTAy_wrt_y(x, A, y):
    v = y.detach().clone().requires_grad_(True)
    return torch.autograd.grad(x @ A @ v, v)[0]


def jacobian_Ay_wrt_y(A, y):
    return torch.autograd.functional.jacobian(lambda v: A @ v, y).T
