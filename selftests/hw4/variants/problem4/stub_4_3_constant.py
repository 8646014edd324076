"""generator_grad_wrt_logit is a stub that returns 0: earns nothing on 4.3."""
# expect: 4.3=0
import sympy


def generator_grad_wrt_logit(h):
    return sympy.Integer(0)
