"""Scales the gradient up by lam (grad l(lam w) = lam grad l(w)), and c(lam) = lam."""
# expect: 3.a


def gradient_at_scaled_point(grad_w, lam):
    return grad_w * lam


def scaled_gradient_factor(lam):
    return lam
