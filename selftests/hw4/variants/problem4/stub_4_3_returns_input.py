"""generator_grad_wrt_logit is a stub that returns its argument: earns nothing on 4.3."""
# expect: 4.3=0


def generator_grad_wrt_logit(h):
    return h
