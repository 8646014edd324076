"""2.c returning the same pair: optimal, but not another one."""
# expect: 2.c


def another_factorization(A, B):
    return A.clone(), B.clone()
