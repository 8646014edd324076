"""Problem 6(a), checked symbolically: for the linear RNN z^{t+1} = w z^t, z^T = w^(T-1) z^1, so
dl/dw = g (T-1) w^(T-2) z^1 for scalars (g = dl/dz^T), and for a matrix W the gradient is
sum_k (W^T)^k g (z^1)^T (W^T)^(T-2-k). The reference's answers are then checked against them."""
from __future__ import annotations

import pytest
import sympy
import torch

from autograder import equivalence
from autograder.fixtures import Oracle
from autograder.course import COURSE_ROOT as REPO_ROOT

W, Z1, G = sympy.symbols("w z1 g", real=True)
T = sympy.Symbol("T", integer=True, positive=True)
LOSS = sympy.Function("loss")  # an arbitrary loss of z^T
FORMULA = G * (T - 1) * W ** (T - 2) * Z1


@pytest.fixture(scope="module")
def problem6():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw2").problem6


def unrolled(w, z1, steps: int):
    """z^T for T = steps + 1, by running the recurrence (works for scalars and matrices)."""
    z = z1
    for _ in range(steps):
        z = w * z
    return z


@pytest.mark.parametrize("length", range(1, 7))
def test_the_hidden_state_is_a_power_of_w(length):
    assert sympy.expand(unrolled(W, Z1, length - 1) - W ** (length - 1) * Z1) == 0


@pytest.mark.parametrize("length", range(1, 7))
def test_the_scalar_gradient_by_the_chain_rule(length):
    """d loss(z^T)/dw = loss'(z^T) * dz^T/dw, and with g = loss'(z^T) that is the formula."""
    z_last = unrolled(W, Z1, length - 1)
    u = sympy.Symbol("u")
    g_here = sympy.diff(LOSS(u), u).subs(u, z_last)  # g = dl/dz^T at z^T
    assert sympy.expand(sympy.diff(LOSS(z_last), W) - g_here * sympy.diff(z_last, W)) == 0
    formula = FORMULA.subs({T: length, G: g_here})
    assert sympy.expand(g_here * sympy.diff(z_last, W) - formula) == 0


def test_the_scalar_gradient_for_symbolic_T():
    derivative = G * sympy.diff(W ** (T - 1) * Z1, W)
    verdict = equivalence.equivalent(derivative, FORMULA, timeout=10)
    assert verdict.equal is True, verdict.reason


def test_the_reference_scalar_gradient_for_symbolic_T(problem6):
    verdict = equivalence.equivalent(problem6.scalar_rnn_gradient(W, Z1, T, G), FORMULA, timeout=10)
    assert verdict.equal is True, verdict.reason


@pytest.mark.parametrize("length", range(1, 7))
def test_the_reference_scalar_gradient_for_concrete_T(problem6, length):
    derivative = G * sympy.diff(unrolled(W, Z1, length - 1), W)
    verdict = equivalence.equivalent(problem6.scalar_rnn_gradient(W, Z1, length, G), derivative, timeout=10)
    assert verdict.equal is True, verdict.reason


# ----------------------------------------------------------------------- matrix weights
MATRIX = sympy.Matrix(2, 2, sympy.symbols("a b c d", real=True))
Z1_VECTOR = sympy.Matrix(sympy.symbols("y1 y2", real=True))
G_VECTOR = sympy.Matrix(sympy.symbols("h1 h2", real=True))


def matrix_formula(w, z1, g, length: int):
    """sum_{k=0}^{T-2} (W^T)^k g z1^T (W^T)^(T-2-k): the gradient the reference must compute."""
    total = sympy.zeros(*w.shape)
    for k in range(length - 1):
        total += (w.T) ** k * g * z1.T * (w.T) ** (length - 2 - k)
    return total


@pytest.mark.parametrize("length", [3, 4])
def test_the_matrix_gradient_is_the_sum_of_transposed_powers(length):
    """The linear loss g^T z^T has gradient g at z^T; its entrywise derivatives in W give the sum."""
    loss = (G_VECTOR.T * MATRIX ** (length - 1) * Z1_VECTOR)[0]
    entrywise = sympy.Matrix(2, 2, lambda i, j: sympy.diff(loss, MATRIX[i, j]))
    assert (entrywise - matrix_formula(MATRIX, Z1_VECTOR, G_VECTOR, length)).expand().is_zero_matrix


def as_tensor(matrix: sympy.Matrix) -> torch.Tensor:
    return torch.tensor([[float(x) for x in row] for row in matrix.tolist()], dtype=torch.float64)


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_the_reference_matrix_gradient_is_the_formula(problem6, length):
    w = sympy.Matrix([[sympy.Rational(1, 2), -1], [sympy.Rational(3, 4), 2]])  # not symmetric
    z1, g = sympy.Matrix([1, -2]), sympy.Matrix([3, sympy.Rational(1, 4)])
    expected = matrix_formula(w, z1, g, length)  # the zero matrix for T = 1
    got = problem6.rnn_weight_gradient(as_tensor(w), as_tensor(z1)[:, 0], length, as_tensor(g)[:, 0])
    got = torch.as_tensor(got, dtype=torch.float64)
    assert torch.allclose(got, as_tensor(expected), rtol=1e-12, atol=1e-12)
