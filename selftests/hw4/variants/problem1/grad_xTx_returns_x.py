"""grad_xTx forgets the factor 2 (dz/dx = x)."""
# expect: 1.1


def grad_xTx(x):
    return 1 * x
