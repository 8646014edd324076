"""grad_xTAy_wrt_y returns A y instead of A^T x."""
# expect: 1.1


def grad_xTAy_wrt_y(x, A, y):
    return A @ y
