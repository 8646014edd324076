"""1.1's functions are stubs that return an argument: earn nothing on 1.1."""
# expect: 1.1=0


def grad_xTx(x):
    return x


def grad_trace_AtA(A):
    return A


def grad_xTAy_wrt_y(x, A, y):
    return y


def jacobian_Ay_wrt_y(A, y):
    return A
