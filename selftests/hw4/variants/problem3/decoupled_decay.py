"""The decoupled update (w - alpha grad L)(1 - 2 alpha lam) (the factor is right)."""
# expect: 3.3


def l2_gd_step(w, grad_L, alpha, lam):
    return (w - alpha * grad_L) * (1 - 2 * alpha * lam)
