"""3.3's functions are stubs that return None: earn nothing on 3.3."""
# expect: 3.3=0


def l2_gd_step(w, grad_L, alpha, lam):
    return None


def decay_factor(alpha, lam):
    return None
