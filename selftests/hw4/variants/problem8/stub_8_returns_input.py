"""8's functions are stubs that return an input (p, mu1, (means, stds)): earn nothing on 8."""
# expect: 8=0


def kl_divergence(p, q):
    return p


def kl_gaussian(mu1, sigma1, mu2, sigma2):
    return mu1


def forward_kl_gaussian_fit(weights, means, stds):
    return means, stds
