"""torch.nn.functional.batch_norm on clones of the running statistics, a 2-tuple-returning
padding search over strides from large to small with padding <= k - 1, w - alpha (g + 2 lam w)."""
# expect: full
import sympy
import torch.nn.functional as F


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    mean, var = running_mean.clone(), running_var.clone()
    y = F.batch_norm(x, mean, var, gamma, beta, training=training, momentum=momentum, eps=eps)
    return y, mean, var


def conv_output_shape(input_shape, c_out, k, padding=0, stride=1):
    return tuple([c_out] + [int((size + 2 * padding - k) // stride + 1) for size in input_shape[1:]])


def padding_and_stride(h_in, h_out, k):
    for stride in range(h_in, 0, -1):
        for padding in range(k - 1, -1, -1):
            if (h_in + 2 * padding - k) // stride + 1 == h_out:
                return [padding, stride]
    raise ValueError("none")


def l2_gd_step(w, grad_L, alpha, lam):
    return w - alpha * (grad_L + 2 * lam * w)


def decay_factor(alpha, lam):
    return sympy.expand((1 - alpha * lam) ** 2 - alpha**2 * lam**2)
