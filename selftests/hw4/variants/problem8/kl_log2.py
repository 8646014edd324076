"""kl_divergence in bits (log base 2) instead of nats."""
# expect: 8
import math

_reference_kl_divergence = kl_divergence


def kl_divergence(p, q):
    return _reference_kl_divergence(p, q) / math.log(2)
