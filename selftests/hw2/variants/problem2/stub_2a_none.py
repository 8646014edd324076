"""nonconvexity_witness is a stub that returns None: earns nothing on 2.a."""
# expect: 2.a=0


def nonconvexity_witness():
    return None
