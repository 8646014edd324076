"""Every 1.1 gradient through sympy.Matrix and .jacobian: right on symbols, a Matrix (not a tensor)
on the tensor call."""
# expect: 1.1
import sympy


def grad_xTx(x):
    X = sympy.Matrix(x)
    return (X.T * X).jacobian(X).T


def grad_trace_AtA(A):
    M = sympy.Matrix(A)
    z = (M.T * M).trace()
    return M.applyfunc(lambda a: sympy.diff(z, a))


def grad_xTAy_wrt_y(x, A, y):
    X, M, Y = sympy.Matrix(x), sympy.Matrix(A), sympy.Matrix(y)
    return (X.T * M * Y).jacobian(Y).T


def jacobian_Ay_wrt_y(A, y):
    M, Y = sympy.Matrix(A), sympy.Matrix(y)
    return (M * Y).jacobian(Y).T
