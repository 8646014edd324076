"""1.1's functions are stubs that return zeros of the argument's shape: earn nothing on 1.1."""
# expect: 1.1=0


def grad_xTx(x):
    return 0 * x


def grad_trace_AtA(A):
    return 0 * A


def grad_xTAy_wrt_y(x, A, y):
    return 0 * y


def jacobian_Ay_wrt_y(A, y):
    return 0 * A.T
