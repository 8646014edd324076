"""6.b's functions are stubs that return None: earn nothing on 6.b."""
# expect: 6.b=0


def convolve1d(x, h):
    return None


def rect_response(n, L):
    return None
