"""rect_response uses the rising-edge formula 2 - 2^-n for every n >= 0 (as if the rect never ended)."""
# expect: 6.b


def rect_response(n, L):
    return 0.0 if n < 0 else 2.0 - 2.0**-n
