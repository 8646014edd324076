"""grad_trace_AtA returns 2 A^T (the transpose of the right layout)."""
# expect: 1.1


def grad_trace_AtA(A):
    return 2 * A.T
