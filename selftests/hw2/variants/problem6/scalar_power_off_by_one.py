"""scalar_rnn_gradient uses z^T = w^T z1: returns T w^(T-1) z1 g."""
# expect: 6.a


def scalar_rnn_gradient(w, z1, T, g):
    return T * w ** (T - 1) * z1 * g
