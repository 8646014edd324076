"""generator_grad_wrt_logit builds -sigmoid(h) from a Symbol('h') of its own, ignoring its argument."""
# expect: 4.3
import sympy


def generator_grad_wrt_logit(h):
    own = sympy.Symbol("h", real=True)
    return -1 / (1 + sympy.exp(-own))
