"""2.c scaling A in place (A *= 2) and returning it: the right pair, but the caller's A is changed."""
# expect: 2.c


def another_factorization(A, B):
    A *= 2
    return A, B / 2
