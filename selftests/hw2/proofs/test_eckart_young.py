"""Problem 2(b), checked exactly on small cases: the best rank-1 factorization of X leaves
||X - AB||_F^2 = sigma_2^2 (Eckart-Young), the truncated SVD attains it with zero gradient, and
||X||_F^2 is the sum of the squared singular values. The reference's optimal_factorization must
attain the exact optimum."""
from __future__ import annotations

import pytest
import sympy
import torch

from autograder.fixtures import Oracle
from autograder.course import COURSE_ROOT as REPO_ROOT

# X = U Sigma V^T with rational orthogonal U (3x3) and V (2x2): singular values 3 and 1, exactly
U = sympy.Matrix([[1, 2, 2], [2, 1, -2], [2, -2, 1]]) / 3
V = sympy.Matrix([[3, -4], [4, 3]]) / 5
SIGMA = (3, 1)
X = U[:, :2] * sympy.diag(*SIGMA) * V.T
A_SYMBOLS = sympy.Matrix(sympy.symbols("a1:4", real=True))  # A is 3x1
B_SYMBOLS = sympy.Matrix(sympy.symbols("b1:3", real=True)).T  # B is 1x2


@pytest.fixture(scope="module")
def problem2():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw2").problem2


def squared_frobenius(matrix: sympy.Matrix) -> sympy.Expr:
    return sum(entry**2 for entry in matrix)


def loss(x: sympy.Matrix, a: sympy.Matrix, b: sympy.Matrix) -> sympy.Expr:
    """f(A, B) = ||X - AB||_F^2."""
    return squared_frobenius(x - a * b)


def gradient_at(x: sympy.Matrix, a: sympy.Matrix, b: sympy.Matrix) -> list[sympy.Expr]:
    """All partial derivatives of f at (a, b), by differentiating f in symbolic A and B."""
    f = loss(x, A_SYMBOLS[: a.rows, :], B_SYMBOLS[:, : b.cols])
    variables = list(A_SYMBOLS[: a.rows, :]) + list(B_SYMBOLS[:, : b.cols])
    point = dict(zip(variables, list(a) + list(b)))
    return [sympy.expand(sympy.diff(f, variable).subs(point)) for variable in variables]


def test_the_example_has_the_intended_singular_values():
    assert U.T * U == sympy.eye(3) and V.T * V == sympy.eye(2)
    assert (X.T * X).eigenvals() == {sigma**2: 1 for sigma in SIGMA}


def test_the_squared_frobenius_norm_is_the_sum_of_squared_singular_values():
    assert squared_frobenius(X) == sum(sigma**2 for sigma in SIGMA)
    p, q, r, s = sympy.symbols("p q r s", real=True)
    general = sympy.Matrix([[p, q], [r, s]])
    eigenvalues = (general.T * general).eigenvals(multiple=True)  # the squared singular values
    assert sympy.simplify(sum(eigenvalues) - squared_frobenius(general)) == 0


@pytest.mark.parametrize("split", ["U_1 sigma_1, v_1^T", "sqrt split"])
def test_the_truncated_svd_attains_sigma_2_squared_with_zero_gradient(split):
    u1, v1, sigma1 = U[:, 0], V[:, 0], SIGMA[0]
    scale = sympy.sqrt(sigma1) if split == "sqrt split" else 1
    a, b = u1 * sigma1 / scale, scale * v1.T
    assert sympy.simplify(loss(X, a, b)) == SIGMA[1] ** 2
    assert all(sympy.simplify(partial) == 0 for partial in gradient_at(X, a, b))


def test_no_rank_one_matrix_does_better_than_sigma_2_squared():
    """Any rank-1 AB is s u v^T with unit u, v, and then f = ||X||^2 - 2 s c + s^2 with c = u^T X v:
    smallest at s = c, where it is ||X||^2 - c^2. By Lagrange's identity c^2 <= ||u||^2 ||X v||^2,
    and ||X v||^2 <= sigma_1^2 ||v||^2 because sigma_1^2 I - X^T X is positive semidefinite.
    So f >= ||X||^2 - sigma_1^2 = sigma_2^2, which the truncated SVD attains."""
    u, v = sympy.Matrix(sympy.symbols("u1:4", real=True)), sympy.Matrix(sympy.symbols("v1:3", real=True))
    s, c = sympy.symbols("s c", real=True)
    coupling = (u.T * X * v)[0]
    norms = (u.T * u)[0] * (v.T * v)[0]
    expansion = squared_frobenius(X) - 2 * s * coupling + s**2 * norms
    assert sympy.expand(loss(X, s * u, v.T) - expansion) == 0
    unit_case = squared_frobenius(X) - 2 * s * c + s**2
    assert sympy.diff(unit_case, s).subs(s, c) == 0 and sympy.diff(unit_case, s, 2) == 2
    assert sympy.expand(unit_case.subs(s, c)) == squared_frobenius(X) - c**2
    image = X * v
    lagrange = sum((u[i] * image[j] - u[j] * image[i]) ** 2 for i in range(3) for j in range(i + 1, 3))
    assert sympy.expand((u.T * u)[0] * (image.T * image)[0] - coupling**2 - lagrange) == 0
    gap = SIGMA[0] ** 2 * sympy.eye(2) - X.T * X
    assert sympy.expand((v.T * gap * v)[0] - (SIGMA[0] ** 2 * (v.T * v)[0] - (image.T * image)[0])) == 0
    assert all(eigenvalue >= 0 for eigenvalue in gap.eigenvals())
    assert squared_frobenius(X) - SIGMA[0] ** 2 == SIGMA[1] ** 2


def test_a_symbolic_diagonal_family():
    """X = diag(a, b) with a > b > 0: keeping the larger entry leaves b^2, at a critical point."""
    b, gap = sympy.symbols("b gap", positive=True)
    a = b + gap
    x = sympy.diag(a, b)
    assert (x.T * x).eigenvals() == {a**2: 1, b**2: 1}
    keep, direction = sympy.Matrix([a, 0]), sympy.Matrix([[1, 0]])
    assert sympy.expand(loss(x, keep, direction)) == b**2
    assert all(partial == 0 for partial in gradient_at(x, keep, direction))


def as_tensor(matrix: sympy.Matrix, dtype: torch.dtype) -> torch.Tensor:
    return torch.tensor([[float(entry) for entry in row] for row in matrix.tolist()], dtype=dtype)


@pytest.mark.parametrize("dtype, tolerance", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
@pytest.mark.parametrize("rank, optimum", [(1, SIGMA[1] ** 2), (2, 0)])
def test_the_reference_attains_the_exact_optimum(problem2, dtype, tolerance, rank, optimum):
    x = as_tensor(X, dtype)
    a, b = (torch.as_tensor(part).to(torch.float64) for part in problem2.optimal_factorization(x, rank))
    assert tuple(a.shape) == (3, rank) and tuple(b.shape) == (rank, 2)
    residual = float(torch.sum((as_tensor(X, torch.float64) - a @ b) ** 2))
    # measured against ||X||_F^2 = 10: the optimum can be 0 (pitfalls: Eckart-Young)
    assert abs(residual - optimum) <= tolerance * float(squared_frobenius(X))
