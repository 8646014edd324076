"""Patches builtins.isinstance, len, float and abs at import; answers are wrong."""
# expect: 3.a,3.b
import builtins

builtins.isinstance = lambda *args: True
builtins.abs = lambda value: 0.0
builtins.float = lambda *args: 0.0


def gradient_at_scaled_point(grad_w, lam):
    return grad_w * 0


def effective_learning_rate(eta, w):
    return 0.0
