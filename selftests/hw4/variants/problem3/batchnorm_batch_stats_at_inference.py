"""batchnorm_forward normalizes with the batch statistics at inference too (returns the running
statistics unchanged)."""
# expect: 3.1
import torch


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    dims = [d for d in range(x.dim()) if d != 1]
    shape = [1, -1] + [1] * (x.dim() - 2)
    mean, var = x.mean(dim=dims), x.var(dim=dims, unbiased=False)
    if training:
        n = x.numel() // x.shape[1]
        new_mean = (1 - momentum) * running_mean + momentum * mean
        new_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    else:
        new_mean, new_var = running_mean.clone(), running_var.clone()
    y = gamma.reshape(shape) * (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps) + beta.reshape(shape)
    return y, new_mean, new_var
