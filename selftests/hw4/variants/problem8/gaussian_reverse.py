"""kl_gaussian returns KL(Q || P): the roles of the two Gaussians exchanged."""
# expect: 8
import sympy


def kl_gaussian(mu1, sigma1, mu2, sigma2):
    return (sympy.log(sigma1 / sigma2) + (sigma2**2 + (mu1 - mu2) ** 2) / (2 * sigma1**2)
            - sympy.Rational(1, 2))
