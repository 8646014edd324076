"""generator_grad_wrt_logit returns +sigmoid(h) (the sign dropped)."""
# expect: 4.3
import sympy


def generator_grad_wrt_logit(h):
    return 1 / (1 + sympy.exp(-h))
