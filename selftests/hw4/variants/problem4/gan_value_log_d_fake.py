"""gan_value uses log D(G(z)) instead of log(1 - D(G(z)))."""
# expect: 4.1
import torch


def gan_value(d_real, d_fake):
    return torch.log(d_real).mean() + torch.log(d_fake).mean()
