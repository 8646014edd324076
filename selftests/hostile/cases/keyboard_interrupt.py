"""Raises KeyboardInterrupt, sends SIGINT to its own group and tries its parent's."""
# expect: 3.b
import os
import signal


def effective_learning_rate(eta, w):
    for target in (os.getppid(), -os.getpgid(os.getppid())):
        try:
            os.kill(target, signal.SIGINT)
        except OSError:
            pass
    raise KeyboardInterrupt


def direction_update(v, grad_v, eta, w_norm):
    os.killpg(0, signal.SIGINT)
    return v
