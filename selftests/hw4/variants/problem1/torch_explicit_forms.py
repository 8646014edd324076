"""Torch-specific forms for tensors (matmul with transpose(0, 1), torch.outer-free), an expanded
sympy loss with log(1/yhat), and bce_loss with torch.where per label and clamping."""
# expect: full
import sympy
import torch


def grad_xTx(x):
    return x * 2


def grad_trace_AtA(A):
    return A + A


def grad_xTAy_wrt_y(x, A, y):
    if isinstance(A, torch.Tensor):
        return torch.matmul(A.transpose(0, 1), x)
    return A.T * x


def jacobian_Ay_wrt_y(A, y):
    if isinstance(A, torch.Tensor):
        return A.transpose(0, 1).contiguous()
    return sympy.Matrix(A.cols, A.rows, lambda i, j: sympy.diff((A * y)[j], y[i]))


def bce_symbolic(y, yhat):
    return y * sympy.log(1 / yhat) + (1 - y) * sympy.log(1 / (1 - yhat))


def bce_loss(yhat, y, reduction="mean"):
    p = yhat.clamp(1e-12, 1 - 1e-7) if yhat.dtype == torch.float32 else yhat.clamp(1e-12, 1 - 1e-15)
    losses = torch.where(y > 0.5, -torch.log(p), -torch.log(1 - p))
    total = losses.sum()
    return total / y.numel() if reduction == "mean" else total
