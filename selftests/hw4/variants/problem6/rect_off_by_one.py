"""rect_response sums the geometric series one term too far: 2 - 2^-(n+1) on the rising edge."""
# expect: 6.b


def rect_response(n, L):
    if n < 0:
        return 0.0
    if n <= L - 1:
        return 2.0 - 2.0 ** -(n + 1)
    return 2.0 ** (L - n) - 2.0**-n
