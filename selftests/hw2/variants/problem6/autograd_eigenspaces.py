"""float32 autograd, regime from exact generalized eigenspaces, w**T / w**2 form, NumPy clipping."""
# expect: full
import numpy as np
import sympy
import torch


def rnn_weight_gradient(w_z, z1, T, grad_zT):
    if T == 1:
        return np.zeros(tuple(w_z.shape), dtype=np.float32)
    weight = w_z.detach().float().clone().requires_grad_(True)
    state = z1.detach().float()
    for _ in range(T - 1):
        state = weight @ state
    loss = torch.dot(grad_zT.detach().float(), state)
    (gradient,) = torch.autograd.grad(loss, weight)
    return gradient


def hidden_state_regime(w_z, z1):
    size = w_z.shape[0]
    w = sympy.Matrix(size, size, [sympy.Rational(float(x)) for x in w_z.reshape(-1).tolist()])
    z = sympy.Matrix(size, 1, [sympy.Rational(float(x)) for x in z1.reshape(-1).tolist()])
    eye = sympy.eye(size)
    multiplicities = w.eigenvals()
    regime = "vanishing"
    for eigenvalue, multiplicity in multiplicities.items():
        others = eye
        for other, count in multiplicities.items():  # kills the other generalized eigenspaces
            if other != eigenvalue:
                others = others * (w - other * eye) ** count
        component = sympy.simplify(others * z)
        chain = 0  # smallest k with (w - eigenvalue)^k component = 0
        while not component.is_zero_matrix:
            component = sympy.simplify((w - eigenvalue * eye) * component)
            chain += 1
        if chain == 0:
            continue
        modulus = sympy.simplify(sympy.Abs(eigenvalue))
        if modulus > 1 or (modulus == 1 and chain >= 2):
            return "exploding"
        if modulus == 1:
            regime = "bounded"
    return "  " + regime.upper() + "\n"


def scalar_rnn_gradient(w, z1, T, g):
    return g * z1 * (T - 1) * w**T / w**2


def clip_gradient_norm(grad, max_norm):
    values = grad.detach().cpu().numpy()
    norm = np.sqrt(np.sum(values.astype(np.float64) ** 2))
    if norm > max_norm:
        return values * (max_norm / norm)
    return values.copy()
