"""3.3's functions are stubs that return an argument (w, alpha): earn nothing on 3.3."""
# expect: 3.3=0


def l2_gd_step(w, grad_L, alpha, lam):
    return w


def decay_factor(alpha, lam):
    return alpha
