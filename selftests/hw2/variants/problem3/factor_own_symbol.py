"""scaled_gradient_factor builds 1/lam from a Symbol('lam') of its own, ignoring its argument."""
# expect: 3.a
import sympy


def scaled_gradient_factor(lam):
    own = sympy.Symbol("lam", positive=True)
    return 1 / own
