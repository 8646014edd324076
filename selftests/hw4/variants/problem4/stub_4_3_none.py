"""generator_grad_wrt_logit is a stub that returns None: earns nothing on 4.3."""
# expect: 4.3=0


def generator_grad_wrt_logit(h):
    return None
