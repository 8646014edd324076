"""Symbolic answers built to smuggle code: a Symbol and a Function named by code, a fake sympy class."""
# expect: 3.a
import sympy
import hostile_kit as kit

PAYLOAD = "__import__('os').makedirs('" + kit.MARKER + "/../root-only/executed')"


class Fake:
    """Claims to be sympy; its every conversion runs the payload."""

    __module__ = "sympy.core.symbol"
    name = PAYLOAD
    args = ()
    is_Symbol = True

    def __reduce__(self):
        return (eval, (PAYLOAD,))

    def __str__(self):
        return PAYLOAD

    __repr__ = __str__


def scaled_gradient_factor(lam):
    if str(lam) == "lam":
        return Fake()
    return 1 / lam + sympy.Symbol(PAYLOAD) * sympy.Function(PAYLOAD)(lam)
