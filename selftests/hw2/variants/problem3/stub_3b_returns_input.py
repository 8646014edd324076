"""3.b's functions are stubs that return their input (eta, v): earn nothing on 3.b."""
# expect: 3.b=0


def effective_learning_rate(eta, w):
    return eta


def direction_update(v, grad_v, eta, w_norm):
    return v
