"""another_factorization is a stub that returns its input pair: earns nothing on 2.c."""
# expect: 2.c=0


def another_factorization(A, B):
    return A, B
