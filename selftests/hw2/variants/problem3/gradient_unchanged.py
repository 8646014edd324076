"""Reasons that an invariant loss has an invariant gradient: returns grad_w unchanged, c(lam) = 1."""
# expect: 3.a
import sympy


def gradient_at_scaled_point(grad_w, lam):
    return grad_w.clone()


def scaled_gradient_factor(lam):
    return sympy.Integer(1)
