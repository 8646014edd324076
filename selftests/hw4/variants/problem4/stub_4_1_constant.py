"""4.1's functions are stubs that return constants (0, ones, 0): earn nothing on 4.1."""
# expect: 4.1=0
import sympy
import torch


def gan_value(d_real, d_fake):
    return 0.0


def optimal_discriminator(p_data, p_g):
    return torch.ones_like(p_data)


def optimal_gan_value():
    return sympy.Integer(0)
