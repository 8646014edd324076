"""8's functions are stubs that return constants (inf, 1, (0, 1)): earn nothing on 8."""
# expect: 8=0
import sympy


def kl_divergence(p, q):
    return float("inf")


def kl_gaussian(mu1, sigma1, mu2, sigma2):
    return sympy.Integer(1)


def forward_kl_gaussian_fit(weights, means, stds):
    return 0.0, 1.0
