"""6.a's functions are stubs that return constants (ones, "vanishing", 1): earn nothing on 6.a."""
# expect: 6.a=0
import sympy
import torch


def rnn_weight_gradient(w_z, z1, T, grad_zT):
    return torch.ones_like(w_z)


def hidden_state_regime(w_z, z1):
    return "vanishing"


def scalar_rnn_gradient(w, z1, T, g):
    return sympy.Integer(1)
