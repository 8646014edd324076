"""kl_divergence adds 1e-10 inside the logarithm: finite (about 23) where it must be inf."""
# expect: 8
import numpy as np


def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    return float(np.sum(p * np.log((p + 1e-10) / (q + 1e-10))))
