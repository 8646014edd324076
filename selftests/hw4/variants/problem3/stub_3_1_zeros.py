"""batchnorm_forward is a stub that returns zeros: earns nothing on 3.1."""
# expect: 3.1=0
import torch


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    return torch.zeros_like(x), torch.zeros_like(running_mean), torch.zeros_like(running_var)
