"""kl_divergence computes KL(Q || P): the arguments swapped."""
# expect: 8
_reference_kl_divergence = kl_divergence


def kl_divergence(p, q):
    return _reference_kl_divergence(q, p)
