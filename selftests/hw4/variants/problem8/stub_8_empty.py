"""8's functions are stubs that return 0 or None: earn nothing on 8."""
# expect: 8=0
import sympy


def kl_divergence(p, q):
    return 0.0


def kl_gaussian(mu1, sigma1, mu2, sigma2):
    return sympy.Integer(0)


def forward_kl_gaussian_fit(weights, means, stds):
    return None
