"""NumPy throughout: gan_value as a Python float, D* as 1 / (1 + p_g / p_data), the optimum as
2 log(1/2), dV/dW_d of shape (5,), the logit gradient as -exp(h) / (1 + exp(h))."""
# expect: full
import numpy as np
import sympy


def gan_value(d_real, d_fake):
    return float(np.mean(np.log(d_real.numpy())) + np.mean(np.log(1.0 - d_fake.numpy())))


def optimal_discriminator(p_data, p_g):
    return 1.0 / (1.0 + p_g.numpy() / p_data.numpy())


def optimal_gan_value():
    return 2 * sympy.log(sympy.Rational(1, 2))


def gan_gradients(W_g, W_d, x, r):
    wg, wd, xv, rv = W_g.numpy(), W_d.numpy().ravel(), x.numpy(), r.numpy()
    a = wg @ xv
    y = np.maximum(a, 0.0)
    sig = lambda t: 1.0 / (1.0 + np.exp(-t))
    d_real, d_fake = sig(wd @ rv), sig(wd @ y)
    grad_d = (1.0 - d_real) * rv - d_fake * y
    grad_g = np.outer(-d_fake * wd * (a > 0), xv)
    return grad_g, grad_d


def generator_grad_wrt_logit(h):
    return -sympy.exp(h) / (1 + sympy.exp(h))
