"""gan_gradients forgets ReLU's derivative: dV/dW_g as if the generator were linear."""
# expect: 4.2
import torch


def gan_gradients(W_g, W_d, x, r):
    y = torch.relu(W_g @ x)
    d_real, d_fake = torch.sigmoid(W_d @ r), torch.sigmoid(W_d @ y)
    grad_d = ((1 - d_real) * r - d_fake * y).reshape(1, -1)
    grad_g = torch.outer(-d_fake * W_d.reshape(-1), x)
    return grad_g, grad_d
