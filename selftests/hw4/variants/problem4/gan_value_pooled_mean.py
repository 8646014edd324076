"""gan_value takes one mean over both batches together (wrong when their lengths differ)."""
# expect: 4.1
import torch


def gan_value(d_real, d_fake):
    return torch.cat([torch.log(d_real), torch.log(1 - d_fake)]).mean() * 2
