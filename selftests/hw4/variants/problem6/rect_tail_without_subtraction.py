"""rect_response forgets the -2^-n of the decaying tail: 2^(L-n) for n > L - 1."""
# expect: 6.b


def rect_response(n, L):
    if n < 0:
        return 0.0
    if n <= L - 1:
        return 2.0 - 2.0**-n
    return 2.0 ** (L - n)
