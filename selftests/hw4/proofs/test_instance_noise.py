"""Problem 5 (instance noise as ridge regression), checked exactly on small symbolic cases.

5.a: with X~ = X + N, the noise entries independent with mean 0 and variance sigma^2,
E||X~w - y||^2 = ||Xw - y||^2 + m sigma^2 ||w||^2; divided by m that is the ridge objective
(1/m)||Xw - y||^2 + lam ||w||^2 with lam = sigma^2 (and no other lam), and its minimizer
(X^T X + m sigma^2 I)^-1 X^T y solves the normal equations.
5.b: for scalar x, y and L = 1/2 (x~ w - y)^2 with x~ = x + n, one gradient step gives
E[w_{t+1}] = E[w_t](1 - eta(x^2 + sigma^2)) + eta x y, whose fixed point is x y/(x^2 + sigma^2)
(not the noiseless y/x) and which converges exactly for 0 < eta < 2/(x^2 + sigma^2).

The Gaussian moments are integrated, never assumed; expectations of polynomials in the noise are
then taken by linearity over monomials (independent entries: the moment of a monomial is the product
of the moments of its factors), and cross-checked with sympy.stats on one row. These are the facts
behind the reference's expected_noisy_loss, ridge_lambda, noisy_least_squares, expected_weight_step,
max_learning_rate and expected_weight_limit, whose answers are then checked against them (the
numeric ones on one small case, NUMERIC, with the proven formulas evaluated exactly there).
"""
from __future__ import annotations

import functools

import pytest
import sympy
import torch
from sympy import stats

from autograder.course import COURSE_ROOT as REPO_ROOT
from autograder.fixtures import Oracle

SIGMA = sympy.Symbol("sigma", positive=True)
ETA = sympy.Symbol("eta", positive=True)
ROWS, COLUMNS = 3, 2  # m and n of the symbolic case
X = sympy.Matrix(ROWS, COLUMNS, lambda i, j: sympy.Symbol(f"x{i + 1}{j + 1}", real=True))
NOISE = sympy.Matrix(ROWS, COLUMNS, lambda i, j: sympy.Symbol(f"n{i + 1}{j + 1}", real=True))
W = sympy.Matrix(sympy.symbols(f"w1:{COLUMNS + 1}", real=True))
Y = sympy.Matrix(sympy.symbols(f"y1:{ROWS + 1}", real=True))


@pytest.fixture(scope="module")
def problem5():
    """The reference solution; a missing file is an error here, never a skip."""
    return Oracle(REPO_ROOT / "reference" / "hw4").problem5


def squared_norm(vector: sympy.Matrix) -> sympy.Expr:
    return sum(entry**2 for entry in vector)


@functools.lru_cache(maxsize=None)
def gaussian_moment(power: int) -> sympy.Expr:
    """E[n^power] for n ~ N(0, sigma^2), by integrating against the density."""
    n = sympy.Symbol("n", real=True)
    density = sympy.exp(-n**2 / (2 * SIGMA**2)) / sympy.sqrt(2 * sympy.pi * SIGMA**2)
    return sympy.simplify(sympy.integrate(n**power * density, (n, -sympy.oo, sympy.oo), conds="none"))


def expectation(expr: sympy.Expr, noise) -> sympy.Expr:
    """E over independent N(0, sigma^2) variables `noise` of a polynomial in them: by linearity,
    monomial by monomial, each monomial's moment the product of its factors' moments."""
    noise = list(noise)
    poly = sympy.Poly(sympy.expand(expr), *noise)
    total = sympy.S.Zero
    for powers, coefficient in poly.terms():
        moment = sympy.Mul(*(gaussian_moment(power) for power in powers))
        total += coefficient * moment
    return sympy.expand(total)


def expected_noisy_loss() -> sympy.Expr:
    return expectation(squared_norm((X + NOISE) * W - Y), NOISE)


PROVEN_LOSS = squared_norm(X * W - Y) + ROWS * SIGMA**2 * squared_norm(W)


# ------------------------------------------------------------------------------- moments
def test_the_gaussian_moments_by_integration():
    assert [gaussian_moment(power) for power in range(5)] == [1, 0, SIGMA**2, 0, 3 * SIGMA**4]


def test_the_noise_covariance_of_a_row_is_sigma_squared_times_the_identity():
    row = NOISE[0, :]
    covariance = (row.T * row).applyfunc(lambda entry: expectation(entry, row))
    assert covariance == SIGMA**2 * sympy.eye(COLUMNS)


def test_the_monomial_expectation_agrees_with_sympy_stats_on_one_row():
    noise = [stats.Normal(f"N{j}", 0, SIGMA) for j in range(COLUMNS)]
    row_loss = (sum((X[0, j] + noise[j]) * W[j] for j in range(COLUMNS)) - Y[0]) ** 2
    by_stats = stats.E(sympy.expand(row_loss))
    by_linearity = expectation(squared_norm((X[0, :] + NOISE[0, :]) * W - Y[0:1, :]), NOISE[0, :])
    assert sympy.expand(by_stats - by_linearity) == 0
    assert sympy.expand(by_stats - (((X[0, :] * W)[0] - Y[0]) ** 2 + SIGMA**2 * squared_norm(W))) == 0


# ---------------------------------------------------------------------------------- 5.a
def test_the_expected_noisy_loss_is_the_loss_plus_m_sigma_squared_norm_w():
    assert sympy.expand(expected_noisy_loss() - PROVEN_LOSS) == 0
    # the cross term vanishes and the quadratic term is m sigma^2 ||w||^2, not sigma^2 ||w||^2
    assert sympy.expand(expected_noisy_loss() - squared_norm(X * W - Y) - SIGMA**2 * squared_norm(W)) != 0


def test_divided_by_m_it_is_ridge_with_lambda_sigma_squared_only():
    lam = sympy.Symbol("lam", real=True)
    ridge = squared_norm(X * W - Y) / ROWS + lam * squared_norm(W)
    assert sympy.solve(sympy.expand(expected_noisy_loss() / ROWS - ridge), lam) == [SIGMA**2]
    m = sympy.Symbol("m", positive=True)
    for wrong in (m * SIGMA**2, SIGMA, SIGMA**2 / m):  # the contract's typical mistakes
        assert sympy.expand(expected_noisy_loss() / ROWS - ridge.subs(lam, wrong.subs(m, ROWS))) != 0


def minimizer(shift: sympy.Expr) -> sympy.Matrix:
    return (X.T * X + shift * sympy.eye(COLUMNS)).inv() * X.T * Y


def gradient_of_expected_loss_at(w: sympy.Matrix) -> sympy.Matrix:
    gradient = sympy.Matrix([sympy.diff(PROVEN_LOSS, wj) for wj in W])
    return gradient.subs(dict(zip(W, w)), simultaneous=True).applyfunc(sympy.cancel)


def test_the_minimizer_solves_the_normal_equations():
    gradient = sympy.Matrix([sympy.diff(PROVEN_LOSS, wj) for wj in W])
    normal = 2 * (X.T * X + ROWS * SIGMA**2 * sympy.eye(COLUMNS)) * W - 2 * X.T * Y
    assert (gradient - normal).applyfunc(sympy.expand).is_zero_matrix
    assert gradient_of_expected_loss_at(minimizer(ROWS * SIGMA**2)).is_zero_matrix
    assert not gradient_of_expected_loss_at(minimizer(SIGMA**2)).is_zero_matrix  # sigma^2 I: wrong


def test_the_objective_is_strictly_convex_so_the_stationary_point_is_the_minimum():
    """The Hessian is 2(X^T X + m sigma^2 I); its determinant, by Cauchy-Binet, is a sum of squares
    plus positive terms, and its trace is positive."""
    hessian = sympy.hessian(PROVEN_LOSS, list(W))
    assert (hessian - 2 * (X.T * X + ROWS * SIGMA**2 * sympy.eye(COLUMNS))).applyfunc(sympy.expand).is_zero_matrix
    gram = X.T * X
    minors = sum((X[i, 0] * X[j, 1] - X[j, 0] * X[i, 1]) ** 2 for i in range(ROWS) for j in range(i + 1, ROWS))
    shift = ROWS * SIGMA**2
    determinant = minors + shift * gram.trace() + shift**2
    assert sympy.expand((gram + shift * sympy.eye(COLUMNS)).det() - determinant) == 0
    assert determinant.is_positive and (gram.trace() + 2 * shift).is_positive


# ------------------------------------------------------- 5.a: the reference's answers
NUMERIC_X = [[1, 2], [0, -1], [3, sympy.Rational(1, 2)]]
NUMERIC_W = [sympy.Rational(1, 2), -3]
NUMERIC_Y = [1, -2, sympy.Rational(1, 4)]
NUMERIC_SIGMA = sympy.Rational(3, 4)
NUMERIC = {**dict(zip(X, sympy.Matrix(NUMERIC_X))), **dict(zip(W, NUMERIC_W)), **dict(zip(Y, NUMERIC_Y)),
           SIGMA: NUMERIC_SIGMA}  # every value exact in binary floating point


def as_tensor(values) -> torch.Tensor:
    """A list (a vector) or a list of rows (a matrix) of exact numbers as a float64 tensor."""
    rows = sympy.Matrix(values).tolist()
    return torch.tensor([[float(entry) for entry in row] for row in rows], dtype=torch.float64).squeeze(-1)


def test_the_reference_ridge_lambda_is_sigma_squared(problem5):
    m = sympy.Symbol("m", positive=True)
    answer = problem5.ridge_lambda(SIGMA, m)
    assert sympy.simplify(answer - SIGMA**2) == 0
    lam = answer.subs(m, ROWS)  # on the proof's case it turns the expected loss / m into ridge
    assert sympy.expand(expected_noisy_loss() / ROWS - squared_norm(X * W - Y) / ROWS - lam * squared_norm(W)) == 0


def test_the_reference_expected_noisy_loss_is_the_proven_loss_on_a_number(problem5):
    expected = PROVEN_LOSS.subs(NUMERIC)
    answer = problem5.expected_noisy_loss(as_tensor(NUMERIC_X), as_tensor(NUMERIC_W), as_tensor(NUMERIC_Y),
                                          float(NUMERIC_SIGMA))
    assert abs(answer - float(expected)) <= 1e-12 * abs(float(expected))


def test_the_reference_noisy_least_squares_is_the_proven_minimizer_on_a_number(problem5):
    expected = minimizer(ROWS * SIGMA**2).subs(NUMERIC)
    assert gradient_of_expected_loss_at(expected).subs(NUMERIC).is_zero_matrix
    answer = problem5.noisy_least_squares(as_tensor(NUMERIC_X), as_tensor(NUMERIC_Y), float(NUMERIC_SIGMA))
    assert tuple(answer.shape) == (COLUMNS,)
    for value, exact in zip(answer.tolist(), expected):
        assert abs(value - float(exact)) <= 1e-12


# ---------------------------------------------------------------------------------- 5.b
x, y, n, w_t = sympy.symbols("x y n w_t", real=True)
EXPECTED_W = sympy.Symbol("Ew", real=True)  # E[w_t]
PROVEN_STEP = EXPECTED_W * (1 - ETA * (x**2 + SIGMA**2)) + ETA * x * y
PROVEN_LIMIT = x * y / (x**2 + SIGMA**2)
PROVEN_BOUND = 2 / (x**2 + SIGMA**2)  # E[w_t] converges exactly for 0 < eta < PROVEN_BOUND


def test_the_gradient_of_the_noisy_scalar_loss():
    noisy = x + n
    loss = (noisy * w_t - y) ** 2 / 2
    assert sympy.expand(sympy.diff(loss, w_t) - (noisy * w_t - y) * noisy) == 0


def test_the_expected_step_by_independence_of_w_t_and_the_noise():
    """w_{t+1} = w_t - eta (x~ w_t - y) x~ is linear in w_t, and w_t is independent of this step's
    noise, so E[w_t f(n)] = E[w_t] E[f(n)]: take E over n, then put E[w_t] for w_t."""
    noisy = x + n
    update = w_t - ETA * (noisy * w_t - y) * noisy
    assert sympy.Poly(update, w_t).degree() == 1
    expected = expectation(update, [n]).subs(w_t, EXPECTED_W)
    assert sympy.expand(expected - PROVEN_STEP) == 0


def test_the_fixed_point_is_the_shrunk_weight():
    assert sympy.solve(PROVEN_STEP - EXPECTED_W, EXPECTED_W) == [PROVEN_LIMIT]
    assert sympy.simplify(PROVEN_LIMIT - (y / x) / (1 + SIGMA**2 / x**2)) == 0
    assert sympy.simplify(PROVEN_STEP.subs(EXPECTED_W, y / x) - y / x) != 0  # y/x: no shrinkage
    # setting the expected gradient to zero gives the same point
    expected_gradient = expectation(((x + n) * w_t - y) * (x + n), [n])
    assert sympy.solve(expected_gradient, w_t) == [PROVEN_LIMIT]


def test_the_recurrence_from_zero_in_closed_form():
    t = sympy.Symbol("t", integer=True, nonnegative=True)
    sequence = sympy.Function("E")
    factor = 1 - ETA * (x**2 + SIGMA**2)
    solution = sympy.rsolve(sequence(t + 1) - PROVEN_STEP.subs(EXPECTED_W, sequence(t)), sequence(t),
                            {sequence(0): 0})
    assert sympy.simplify(solution - PROVEN_LIMIT * (1 - factor**t)) == 0


def test_the_expected_weight_converges_exactly_for_eta_below_two_over_x_squared_plus_sigma_squared():
    """E[w_t] - w* = factor^t (E[w_0] - w*) converges iff |factor| < 1 (for E[w_0] != w*)."""
    q = sympy.Symbol("q", positive=True)  # x^2 + sigma^2 > 0
    eta = sympy.Symbol("eta", real=True)
    factor = sympy.expand(PROVEN_STEP.diff(EXPECTED_W)).subs(ETA, eta)
    assert sympy.expand(factor - (1 - eta * (x**2 + SIGMA**2))) == 0
    stable = sympy.solveset(sympy.Abs(1 - eta * q) < 1, eta, sympy.S.Reals)
    assert stable == sympy.Interval.open(0, 2 / q)
    assert sympy.simplify((2 / q).subs(q, x**2 + SIGMA**2) - PROVEN_BOUND) == 0
    assert sympy.simplify(factor.subs(eta, PROVEN_BOUND)) == -1  # at the bound it oscillates forever
    assert factor.subs(eta, 0) == 1


@pytest.mark.parametrize("eta, converges", [(0.05, True), (0.39, True), (0.41, False), (0.6, False)])
def test_the_bound_on_a_number(eta, converges):
    """x = 2, sigma = 1: the bound is 2/5; iterate the expected step from 0."""
    step = sympy.lambdify(EXPECTED_W, PROVEN_STEP.subs({x: 2, y: 3, SIGMA: 1, ETA: eta}))
    value = 0.0
    for _ in range(400):
        value = step(value)
    assert (abs(value - 6 / 5) < 1e-6) == converges


# ------------------------------------------------------- 5.b: the reference's answers
@pytest.mark.parametrize("Ew, point, label, sigma, eta", [
    (0.0, 2.0, 3.0, 1.0, 0.05), (1.5, -0.5, 2.0, 0.25, 0.3), (-2.0, 1.0, -1.0, 0.0, 0.5)])
def test_the_reference_expected_weight_step_is_the_proven_step(problem5, Ew, point, label, sigma, eta):
    expected = float(PROVEN_STEP.subs({EXPECTED_W: Ew, x: point, y: label, SIGMA: sigma, ETA: eta}))
    assert abs(problem5.expected_weight_step(Ew, point, label, sigma, eta) - expected) <= 1e-12


def test_the_reference_max_learning_rate_is_two_over_x_squared_plus_sigma_squared(problem5):
    answer = problem5.max_learning_rate(x, SIGMA)
    assert sympy.simplify(answer - PROVEN_BOUND) == 0


def test_the_reference_expected_weight_limit_is_the_shrunk_weight(problem5):
    answer = problem5.expected_weight_limit(x, y, SIGMA)
    assert sympy.simplify(answer - PROVEN_LIMIT) == 0
    assert sympy.simplify(answer.subs(SIGMA, 0) - y / x) == 0  # no noise: plain least squares
