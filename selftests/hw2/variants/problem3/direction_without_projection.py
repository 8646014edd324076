"""direction_update drops I - v v^T (right only when grad_v is orthogonal to v)."""
# expect: 3.b


def direction_update(v, grad_v, eta, w_norm):
    return v - (eta / w_norm**2) * grad_v
