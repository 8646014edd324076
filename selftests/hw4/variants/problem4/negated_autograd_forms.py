"""The gradients of -V (a BCE-style loss), both negated, by torch.autograd; log(1/4); the logit
gradient by sympy.diff of log(1 - sigmoid(h))."""
# expect: full
import sympy
import torch


def gan_value(d_real, d_fake):
    return torch.mean(torch.log(d_real)) + torch.mean(torch.log(1 - d_fake))


def optimal_discriminator(p_data, p_g):
    return torch.div(p_data, p_data + p_g)


def optimal_gan_value():
    return sympy.log(sympy.Rational(1, 4))


def gan_gradients(W_g, W_d, x, r):
    wg = W_g.detach().clone().requires_grad_(True)
    wd = W_d.detach().clone().requires_grad_(True)
    loss = -(torch.log(torch.sigmoid(wd @ r)) + torch.log(1 - torch.sigmoid(wd @ torch.relu(wg @ x)))).sum()
    grad_g, grad_d = torch.autograd.grad(loss, (wg, wd))
    return grad_g, grad_d


def generator_grad_wrt_logit(h):
    return sympy.diff(sympy.log(1 - 1 / (1 + sympy.exp(-h))), h)
