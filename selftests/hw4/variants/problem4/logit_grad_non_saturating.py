"""generator_grad_wrt_logit differentiates -log sigmoid(h) (the non-saturating loss): -(1 - sigmoid(h))."""
# expect: 4.3
import sympy


def generator_grad_wrt_logit(h):
    return -(1 - 1 / (1 + sympy.exp(-h)))
