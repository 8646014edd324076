"""kl_gaussian forgets the -1/2 (and writes 0.5 as a float in the fraction)."""
# expect: 8
import sympy


def kl_gaussian(mu1, sigma1, mu2, sigma2):
    return sympy.log(sigma2 / sigma1) + 0.5 * (sigma1**2 + (mu1 - mu2) ** 2) / sigma2**2
