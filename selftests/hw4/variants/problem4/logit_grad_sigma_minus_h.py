"""The logit gradient written as exp(-h) / (1 + exp(-h)) - 1 (sigma(-h) - 1)."""
# expect: full
import sympy


def generator_grad_wrt_logit(h):
    return sympy.exp(-h) / (1 + sympy.exp(-h)) - 1
