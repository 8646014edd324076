"""batchnorm_forward passes the caller's running statistics to F.batch_norm, which updates them in
place (right values, but the inputs change)."""
# expect: 3.1
import torch.nn.functional as F


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    y = F.batch_norm(x, running_mean, running_var, gamma, beta, training=training, momentum=momentum, eps=eps)
    return y, running_mean.clone(), running_var.clone()
