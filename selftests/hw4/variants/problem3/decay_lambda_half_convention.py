"""The lambda/2 convention: factor 1 - alpha lam and step (1 - alpha lam) w - alpha grad."""
# expect: 3.3


def l2_gd_step(w, grad_L, alpha, lam):
    return (1 - alpha * lam) * w - alpha * grad_L


def decay_factor(alpha, lam):
    return 1 - alpha * lam
