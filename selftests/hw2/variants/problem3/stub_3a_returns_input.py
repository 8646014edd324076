"""3.a's functions are stubs that return their input (grad_w, lam): earn nothing on 3.a."""
# expect: 3.a=0


def gradient_at_scaled_point(grad_w, lam):
    return grad_w


def scaled_gradient_factor(lam):
    return lam
