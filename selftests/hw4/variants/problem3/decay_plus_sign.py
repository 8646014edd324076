"""The regularizer's gradient added with the wrong sign: 1 + 2 alpha lam."""
# expect: 3.3


def l2_gd_step(w, grad_L, alpha, lam):
    return (1 + 2 * alpha * lam) * w - alpha * grad_L


def decay_factor(alpha, lam):
    return 1 + 2 * alpha * lam
