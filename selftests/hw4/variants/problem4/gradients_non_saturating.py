"""gan_gradients differentiates the non-saturating generator objective log D(G(x)) for W_g."""
# expect: 4.2
import torch


def gan_gradients(W_g, W_d, x, r):
    a = W_g @ x
    y = torch.relu(a)
    d_real, d_fake = torch.sigmoid(W_d @ r), torch.sigmoid(W_d @ y)
    grad_d = ((1 - d_real) * r - d_fake * y).reshape(1, -1)
    grad_g = torch.outer((1 - d_fake) * W_d.reshape(-1) * (a > 0), x)
    return -grad_g, grad_d
