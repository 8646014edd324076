"""Returns tensor subclasses whose comparisons, allclose, __torch_function__ and numpy() all lie."""
# expect: 3.a,3.b
import torch


class Liar(torch.Tensor):
    def __eq__(self, other): return True
    def allclose(self, *args, **kwargs): return True
    def numpy(self, *args, **kwargs): return self._truth
    def tolist(self): return self._truth.tolist()
    def detach(self): return self

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return True


def _lie(truth):
    fake = torch.zeros_like(truth).as_subclass(Liar)
    fake._truth = truth
    return fake


_gradient, _update = gradient_at_scaled_point, direction_update


def gradient_at_scaled_point(grad_w, lam):
    return _lie(_gradient(grad_w, lam))


def direction_update(v, grad_v, eta, w_norm):
    return _lie(_update(v, grad_v, eta, w_norm))
