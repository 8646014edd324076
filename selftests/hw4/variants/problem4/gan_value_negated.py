"""gan_value returns -V (the discriminator's BCE loss) instead of V."""
# expect: 4.1
import torch


def gan_value(d_real, d_fake):
    return -(torch.log(d_real).mean() + torch.log(1 - d_fake).mean())
