"""pool_output_hw rounds up (ceil mode): a partial window at the edge counts, so POOL2 of 7 gives 4."""
# expect: 7
import math


def pool_output_hw(W, H, K, S):
    return math.ceil((W - K) / S) + 1, math.ceil((H - K) / S) + 1
