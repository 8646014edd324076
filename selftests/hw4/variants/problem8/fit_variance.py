"""forward_kl_gaussian_fit returns the variance where the standard deviation is asked for."""
# expect: 8
import torch


def forward_kl_gaussian_fit(weights, means, stds):
    mu = torch.sum(weights * means)
    return float(mu), float(torch.sum(weights * (stds**2 + means**2)) - mu**2)
