"""Branches on the argument's kind: NumPy arrays for tensors, sympy methods for matrices; the loss
as -log of a product of powers; bce_loss in NumPy, returning a Python float."""
# expect: full
import numpy as np
import sympy


def grad_xTx(x):
    if isinstance(x, sympy.MatrixBase):
        return x + x
    return x.detach().cpu().numpy() * 2.0


def grad_trace_AtA(A):
    if isinstance(A, sympy.MatrixBase):
        return A.applyfunc(lambda a: 2 * a)
    return 2.0 * A.detach().cpu().numpy()


def grad_xTAy_wrt_y(x, A, y):
    if isinstance(A, sympy.MatrixBase):
        return (x.T * A).T
    return np.einsum("i,ij->j", x.numpy(), A.numpy())


def jacobian_Ay_wrt_y(A, y):
    if isinstance(A, sympy.MatrixBase):
        return A.transpose()
    return np.ascontiguousarray(A.numpy().T)


def bce_symbolic(y, yhat):
    return -sympy.log(yhat**y * (1 - yhat)**(1 - y))


def bce_loss(yhat, y, reduction="mean"):
    p = np.clip(yhat.detach().cpu().numpy().astype(np.float64), 1e-12, 1 - 1e-12)
    t = y.detach().cpu().numpy().astype(np.float64)
    losses = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    return float(losses.mean() if reduction == "mean" else losses.sum())
