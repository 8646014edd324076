"""Public checks for Problem 1: gradients (1.1) and the binary cross-entropy loss (1.2).

Expected values are recomputed here, never taken from a reference solution:

- 1.1: each of grad_xTx, grad_trace_AtA, grad_xTAy_wrt_y and jacobian_Ay_wrt_y is called twice in
  the same check, which needs both calls right: with float64 tensors (compared with
  torch.autograd's gradient, rtol 1e-8) and with sympy matrices of real symbols (every entry
  sympy-equivalent to what sympy.diff gives). The Jacobian is in the denominator layout, shape
  (n, m), entry (i, j) = dz_j/dy_i; the numerator layout gets a message naming the layout.
- 1.2: bce_symbolic(y, yhat), with y substituted by 0 and by 1 in the returned expression, is
  -log(1 - yhat) and -log(yhat) for every yhat in (0, 1) (yhat is substituted by u/(1 + u), u > 0,
  so that forms such as log(1/(1 - yhat)), right on (0, 1) only, pass); bce_loss equals torch.nn.functional.binary_cross_entropy (rtol
  1e-5) with the default reduction ("mean") and with "sum".

Points: 1.1 here 0.25 per function (1.0), hidden 0.25 per function on non-square matrices and
other sizes. 1.2 here: bce_symbolic 1.5, bce_loss 0.5 (mean) + 0.5 (sum); hidden: bce_symbolic 0.5
(symbols of other names), bce_loss 1.0 (float32, 2-D, extreme probabilities). The helpers below
are shared with the hidden checks.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy
import torch
import torch.nn.functional as F

from autograder import equivalence
from autograder.boundary.symbolic import StudentExpr, SymbolicRejected, rebuild
from autograder.checks import (CheckFailed, as_array, as_real, assert_close_to_scale,
                               assert_no_mutations, show)
from autograder.decorators import number, weight
from tests.hw4.settings import SYMBOLIC_TIMEOUT, SYMBOLS

RTOL = 1e-8          # 1.1: float64 in, float64 autograd out
LOSS_RTOL = 1e-5     # 1.2: float32 rounding of a mean of logs is ~1e-7
NUMERATOR_LAYOUT = ("the numerator layout (entry (i, j) = dz_i/dy_j, shape (m, n)); the homework's "
                    "formula sheet uses the denominator layout: entry (i, j) = dz_j/dy_i, shape (n, m)")


# ----------------------------------------------------------------------------- sympy inputs
def symbol_matrix(prefix: str, rows: int, cols: int) -> sympy.Matrix:
    """A (rows, cols) Matrix of real symbols named prefix + row + col (a00, a01, ...)."""
    return sympy.Matrix(rows, cols, lambda i, j: sympy.Symbol(f"{prefix}{i}{j}", real=True))


def symbol_vector(prefix: str, size: int) -> sympy.Matrix:
    """A column Matrix (size, 1) of real symbols named prefix + index (x0, x1, ...)."""
    return sympy.Matrix(size, 1, lambda i, _: sympy.Symbol(f"{prefix}{i}", real=True))


def symbol_table(*matrices: sympy.Matrix) -> dict[str, sympy.Symbol]:
    return {s.name: s for matrix in matrices for s in matrix.free_symbols}


# ----------------------------------------------------------------------------- the two calls
def autograd_gradient(function: Callable[..., torch.Tensor], args: tuple[torch.Tensor, ...],
                      wrt: int) -> np.ndarray:
    """d function(*args) / d args[wrt] by autograd in float64, the shape of args[wrt]."""
    inputs = [a.detach().to(torch.float64).clone() for a in args]
    inputs[wrt].requires_grad_(True)
    (gradient,) = torch.autograd.grad(function(*inputs), inputs[wrt])
    return gradient.numpy()


def check_tensor_call(student: Any, function: str, args: tuple[torch.Tensor, ...],
                      expected: np.ndarray, what: str, numerator: np.ndarray | None = None) -> None:
    """The tensor call: value within RTOL of autograd's, shape of `expected`, inputs untouched.

    `numerator`: the numerator-layout answer, which gets a message naming the layout."""
    outcome = student.call("problem1", function, *args)
    inputs = "\n".join(f"argument {i} (shape {tuple(a.shape)}) =\n{show(a)}" for i, a in enumerate(args))
    if numerator is not None and isinstance(outcome.value, (torch.Tensor, np.ndarray)):
        got = as_array(outcome.value, what)
        if got.shape == numerator.shape and np.allclose(got, numerator, rtol=RTOL, atol=1e-12) \
                and not (got.shape == expected.shape and np.allclose(got, expected, rtol=RTOL, atol=1e-12)):
            raise CheckFailed(f"{what} (tensor arguments) returned {NUMERATOR_LAYOUT}",
                              detail=inputs)
    got = as_array(outcome.value, f"{what} (tensor arguments)", shape=tuple(expected.shape))
    assert_close_to_scale(got, expected, f"{what} (tensor arguments; compared with torch.autograd)",
                          rtol=RTOL, inputs=inputs)
    assert_no_mutations(outcome, what)


def check_symbolic_call(student: Any, function: str, args: tuple[sympy.Matrix, ...],
                        expected: sympy.Matrix, what: str,
                        numerator: sympy.Matrix | None = None) -> None:
    """The sympy call: a Matrix of the expected shape, every entry equivalent to sympy.diff's."""
    value = student.call("problem1", function, *args).value
    table = symbol_table(*args)
    try:
        equivalence.assert_equivalent(value, expected, table, f"{what} (sympy Matrix arguments)",
                                      timeout=SYMBOLIC_TIMEOUT)
    except CheckFailed:
        if numerator is not None and isinstance(value, StudentExpr) \
                and getattr(value, "shape", None) == (numerator.rows, numerator.cols):
            try:
                equivalence.assert_equivalent(value, numerator, table, what, timeout=SYMBOLIC_TIMEOUT)
            except CheckFailed:
                pass
            else:
                raise CheckFailed(f"{what} (sympy Matrix arguments) returned {NUMERATOR_LAYOUT}") from None
        raise


# ----------------------------------------------------------------------------------- 1.1
def check_grad_xTx(student: Any, x: torch.Tensor, size: int) -> None:
    """grad_xTx: 2x on a float64 vector x of shape (m,) and on a column of `size` symbols."""
    what = "grad_xTx(x)"
    check_tensor_call(student, "grad_xTx", (x,), autograd_gradient(lambda v: v @ v, (x,), 0), what)
    xs = symbol_vector("x", size)
    z = (xs.T * xs)[0, 0]
    check_symbolic_call(student, "grad_xTx", (xs,), sympy.Matrix(size, 1, lambda i, _: sympy.diff(z, xs[i])),
                        what)


def check_grad_trace_AtA(student: Any, A: torch.Tensor, shape: tuple[int, int]) -> None:
    """grad_trace_AtA: 2A on a float64 matrix and on a Matrix of symbols of `shape`."""
    what = "grad_trace_AtA(A)"
    check_tensor_call(student, "grad_trace_AtA", (A,),
                      autograd_gradient(lambda M: torch.trace(M.T @ M), (A,), 0), what)
    As = symbol_matrix("a", *shape)
    z = (As.T * As).trace()
    check_symbolic_call(student, "grad_trace_AtA", (As,),
                        sympy.Matrix(*shape, lambda i, j: sympy.diff(z, As[i, j])), what)


def check_grad_xTAy(student: Any, x: torch.Tensor, A: torch.Tensor, y: torch.Tensor,
                    shape: tuple[int, int]) -> None:
    """grad_xTAy_wrt_y: A^T x, shape (n,), on tensors and on symbols with A of `shape` (m, n)."""
    what = "grad_xTAy_wrt_y(x, A, y)"
    check_tensor_call(student, "grad_xTAy_wrt_y", (x, A, y),
                      autograd_gradient(lambda u, M, v: u @ M @ v, (x, A, y), 2), what)
    m, n = shape
    xs, As, ys = symbol_vector("x", m), symbol_matrix("a", m, n), symbol_vector("y", n)
    z = (xs.T * As * ys)[0, 0]
    check_symbolic_call(student, "grad_xTAy_wrt_y", (xs, As, ys),
                        sympy.Matrix(n, 1, lambda i, _: sympy.diff(z, ys[i])), what)


def check_jacobian_Ay(student: Any, A: torch.Tensor, y: torch.Tensor, shape: tuple[int, int]) -> None:
    """jacobian_Ay_wrt_y: entry (i, j) = dz_j/dy_i, shape (n, m), on tensors and on symbols."""
    what = "jacobian_Ay_wrt_y(A, y)"
    A64, y64 = A.detach().to(torch.float64), y.detach().to(torch.float64)
    jacobian = torch.autograd.functional.jacobian(lambda v: A64 @ v, y64).numpy()  # (m, n): dz_i/dy_j
    check_tensor_call(student, "jacobian_Ay_wrt_y", (A, y), jacobian.T, what, numerator=jacobian)
    m, n = shape
    As, ys = symbol_matrix("a", m, n), symbol_vector("y", n)
    z = As * ys
    expected = sympy.Matrix(n, m, lambda i, j: sympy.diff(z[j], ys[i]))
    numerator = sympy.Matrix(m, n, lambda i, j: sympy.diff(z[i], ys[j]))
    check_symbolic_call(student, "jacobian_Ay_wrt_y", (As, ys), expected, what, numerator=numerator)


def f64(values: list) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


PUBLIC_X = f64([1.0, -2.0, 0.5])
PUBLIC_A = f64([[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0], [2.0, -1.5, 1.0]])  # not symmetric
PUBLIC_Y = f64([0.5, -1.0, 2.0])


@number("1.1")
@weight(0.25)
def test_grad_xTx(student):
    """grad_xTx is 2x, on a float64 vector and on a column of symbols."""
    check_grad_xTx(student, PUBLIC_X, 3)


@number("1.1")
@weight(0.25)
def test_grad_trace_AtA(student):
    """grad_trace_AtA is 2A, on a float64 matrix and on a 2 x 2 Matrix of symbols."""
    check_grad_trace_AtA(student, PUBLIC_A, (2, 2))


@number("1.1")
@weight(0.25)
def test_grad_xTAy_wrt_y(student):
    """grad_xTAy_wrt_y is A^T x, on float64 tensors and on matrices of symbols."""
    check_grad_xTAy(student, PUBLIC_X, PUBLIC_A, PUBLIC_Y, (2, 2))


@number("1.1")
@weight(0.25)
def test_jacobian_Ay_wrt_y(student):
    """jacobian_Ay_wrt_y is A^T (denominator layout), on float64 tensors and on symbols."""
    check_jacobian_Ay(student, PUBLIC_A, PUBLIC_Y, (2, 2))


# ----------------------------------------------------------------------------------- 1.2
# yhat is a probability, in (0, 1), but sympy can only say "positive": forms such as
# log(1/(1 - yhat)) are right on (0, 1) and not beyond. So yhat is written as u/(1 + u) with u > 0,
# which sweeps (0, 1) exactly, in the student's expression and in the expected one alike.
PROBABILITY_PARAMETER = sympy.Symbol("u_yhat", positive=True)
PROBABILITY_TREE = ["Mul", ["Symbol", PROBABILITY_PARAMETER.name, {"positive": True}],
                    ["Pow", ["Add", ["Integer", "1"], ["Symbol", PROBABILITY_PARAMETER.name, {"positive": True}]],
                     ["Integer", "-1"]]]
PROBABILITY_NOTE = (f"(the check writes yhat as {PROBABILITY_PARAMETER.name}/(1 + {PROBABILITY_PARAMETER.name}) "
                    f"with {PROBABILITY_PARAMETER.name} > 0, so that yhat is in (0, 1))")


def substituted(value: Any, replacements: Mapping[str, list], table: Mapping[str, sympy.Symbol],
                what: str) -> Any:
    """The student's expression with the named symbols replaced by the given trees.

    The replacement is made in the tree, before anything is built, so the grader never evaluates
    the student's expression (sympy's automatic evaluation runs in equivalence's capped child).
    The tree is validated (rebuild) first, which also bounds its size and depth for the walk.
    """
    if not isinstance(value, StudentExpr) or getattr(value, "shape", None) is not None:
        return value  # a number or the wrong kind of answer: assert_equivalent explains
    try:
        expression = rebuild(value.tree, table)
    except SymbolicRejected as error:
        raise CheckFailed(f"{what} returned an expression that cannot be graded: {error.summary}",
                          detail=str(error)) from None
    unknown = sorted({s.name for s in expression.free_symbols if table.get(s.name) != s})
    if unknown:
        raise CheckFailed(f"{what} uses symbols that are not among its arguments",
                          detail=f"unknown: {', '.join(unknown)}")

    def substitute(node: Any) -> Any:
        if type(node) not in (list, tuple) or not node:
            return node
        if node[0] == "Symbol":
            return replacements.get(node[1], node) if len(node) == 3 else node
        return [node[0], *(substitute(child) for child in node[1:])]

    return dataclasses.replace(value, tree=substitute(value.tree))


def check_bce_symbolic(student: Any, y: sympy.Symbol, yhat: sympy.Symbol) -> None:
    """bce_symbolic(y, yhat) at y = 1 is -log(yhat) and at y = 0 is -log(1 - yhat), for yhat in (0, 1)."""
    what = "bce_symbolic(y, yhat)"
    value = student.problem1.bce_symbolic(y, yhat)
    table = {y.name: y, yhat.name: yhat}
    probability = PROBABILITY_PARAMETER / (1 + PROBABILITY_PARAMETER)
    for label, expected in ((1, -sympy.log(probability)), (0, -sympy.log(1 - probability))):
        at_label = substituted(value, {y.name: ["Integer", str(label)], yhat.name: PROBABILITY_TREE},
                               table, what)
        try:
            equivalence.assert_equivalent(at_label, expected, {**table, PROBABILITY_PARAMETER.name: PROBABILITY_PARAMETER},
                                          f"{what} with the label y = {label}", timeout=SYMBOLIC_TIMEOUT)
        except CheckFailed as failure:
            raise CheckFailed(failure.message, detail=f"{failure.detail or ''}\n{PROBABILITY_NOTE}; "
                              f"expected {'-log(yhat)' if label else '-log(1 - yhat)'}".strip()) from None


def check_bce_loss(student: Any, yhat: torch.Tensor, y: torch.Tensor, reduction: str | None) -> None:
    """bce_loss equals F.binary_cross_entropy; reduction None: the call leaves the default."""
    what = "bce_loss(yhat, y)" if reduction is None else f"bce_loss(yhat, y, reduction={reduction!r})"
    kwargs = {} if reduction is None else {"reduction": reduction}
    outcome = student.call("problem1", "bce_loss", yhat, y, **kwargs)
    got = as_real(outcome.value, what)
    expected = F.binary_cross_entropy(yhat.to(torch.float64), y.to(torch.float64),
                                      reduction=reduction or "mean").item()
    if not abs(got - expected) <= LOSS_RTOL * abs(expected):
        hint = " (its sign is wrong: the loss is the NEGATIVE log-likelihood)" \
            if abs(got + expected) <= LOSS_RTOL * abs(expected) else ""
        raise CheckFailed(f"{what} is not the binary cross-entropy{hint}",
                          detail=f"yhat ({yhat.dtype}) =\n{show(yhat)}\ny =\n{show(y)}\n"
                                 f"expected {expected:.10g} "
                                 "(torch.nn.functional.binary_cross_entropy), "
                                 f"got {got:.10g}")
    assert_no_mutations(outcome, what)


PUBLIC_YHAT = f64([0.9, 0.2, 0.6, 0.05, 0.7])
PUBLIC_LABELS = f64([1.0, 0.0, 0.0, 0.0, 1.0])


@number("1.2")
@weight(1.5)
def test_bce_symbolic(student):
    """bce_symbolic(y, yhat) is -log(yhat) at y = 1 and -log(1 - yhat) at y = 0."""
    check_bce_symbolic(student, SYMBOLS["y"], SYMBOLS["yhat"])


@number("1.2")
@weight(0.5)
def test_bce_loss_mean(student):
    """bce_loss with the default reduction is the mean binary cross-entropy."""
    check_bce_loss(student, PUBLIC_YHAT, PUBLIC_LABELS, None)


@number("1.2")
@weight(0.5)
def test_bce_loss_sum(student):
    """bce_loss with reduction="sum" is the summed binary cross-entropy."""
    check_bce_loss(student, PUBLIC_YHAT, PUBLIC_LABELS, "sum")
