"""The homework's sample answer 1 - 2 alpha lam w: a factor with a symbol w of its own (the step is right)."""
# expect: 3.3
import sympy


def decay_factor(alpha, lam):
    w = sympy.Symbol("w", real=True)
    return 1 - 2 * alpha * lam * w
