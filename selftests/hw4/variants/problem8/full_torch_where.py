"""torch throughout: torch.where for 0 log 0, a 0-d tensor back (inf as a tensor), the Gaussian KL as
(log(s2^2/s1^2) + ...)/2, the fit as a float64 tensor of two entries."""
# expect: full
import sympy
import torch


def kl_divergence(p, q):
    p = torch.as_tensor(p, dtype=torch.float64)
    q = torch.as_tensor(q, dtype=torch.float64)
    terms = torch.where(p > 0, p * torch.log(p / q), torch.zeros_like(p))
    return terms.sum()


def kl_gaussian(mu1, sigma1, mu2, sigma2):
    return (sympy.log(sigma2**2 / sigma1**2) + (sigma1**2 + (mu1 - mu2) ** 2) / sigma2**2 - 1) / 2


def forward_kl_gaussian_fit(weights, means, stds):
    mu = torch.sum(weights * means)
    variance = torch.sum(weights * stds**2) + torch.sum(weights * (means - mu) ** 2)
    return torch.stack([mu, torch.sqrt(variance)])
