"""optimal_factorization is a stub that returns its input: earns nothing on 2.b."""
# expect: 2.b=0


def optimal_factorization(X, r):
    return X, X
