"""batchnorm_forward is a stub that returns its inputs (x, running_mean, running_var): earns nothing on 3.1."""
# expect: 3.1=0


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    return x, running_mean, running_var
