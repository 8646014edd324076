"""The 5.b symbolic answers are built from Symbols of their own named x, y, sigma, not from the arguments."""
# expect: 5.b
import sympy


def max_learning_rate(x, sigma):
    a, s = sympy.Symbol("x", positive=True), sympy.Symbol("sigma", positive=True)
    return 2 / (a**2 + s**2)


def expected_weight_limit(x, y, sigma):
    a, b, s = (sympy.Symbol("x", positive=True), sympy.Symbol("y", real=True),
               sympy.Symbol("sigma", positive=True))
    return a * b / (a**2 + s**2)
