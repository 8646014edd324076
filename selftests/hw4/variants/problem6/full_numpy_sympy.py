"""numpy.convolve for the sum (a NumPy array back), exact sympy Rationals for rect_response."""
# expect: full
import numpy as np
import sympy


def convolve1d(x, h):
    return np.convolve(x.numpy(), h.numpy())


def rect_response(n, L):
    if n < 0:
        return sympy.Integer(0)
    half = sympy.Rational(1, 2)
    return 2 - half**n if n <= L - 1 else 2 * half ** (n - L + 1) - half**n
