"""kl_divergence sums p log(p/q) over every outcome: 0 log 0 gives NaN."""
# expect: 8
import numpy as np


def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(p * np.log(p / q)))
