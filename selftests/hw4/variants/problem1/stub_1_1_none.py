"""1.1's functions are stubs that return None: earn nothing on 1.1."""
# expect: 1.1=0


def grad_xTx(x):
    return None


def grad_trace_AtA(A):
    return None


def grad_xTAy_wrt_y(x, A, y):
    return None


def jacobian_Ay_wrt_y(A, y):
    return None
