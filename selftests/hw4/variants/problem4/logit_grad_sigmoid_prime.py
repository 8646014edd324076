"""generator_grad_wrt_logit returns -sigmoid'(h) = -sigmoid(h)(1 - sigmoid(h)) (the 1/(1 - D) factor lost)."""
# expect: 4.3
import sympy


def generator_grad_wrt_logit(h):
    s = 1 / (1 + sympy.exp(-h))
    return -s * (1 - s)
