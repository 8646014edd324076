"""Returns objects whose __eq__, __float__, __bool__ and comparisons always say yes (wrong values)."""
# expect: 3.b
class Yes:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __bool__(self): return True
    def __float__(self): return 0.0
    def __abs__(self): return 0.0
    def __sub__(self, other): return 0.0
    __rsub__ = __sub__


class YesFloat(float):
    __eq__ = Yes.__eq__
    __ne__ = Yes.__ne__
    __sub__ = Yes.__sub__
    __rsub__ = Yes.__rsub__
    __abs__ = Yes.__abs__


def effective_learning_rate(eta, w):
    return YesFloat(-1.0)


def direction_update(v, grad_v, eta, w_norm):
    return Yes()
