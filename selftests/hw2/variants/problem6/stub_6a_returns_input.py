"""6.a's functions are stubs that return their inputs (w_z, z1, g): earn nothing on 6.a."""
# expect: 6.a=0


def rnn_weight_gradient(w_z, z1, T, grad_zT):
    return w_z


def hidden_state_regime(w_z, z1):
    return z1


def scalar_rnn_gradient(w, z1, T, g):
    return g
