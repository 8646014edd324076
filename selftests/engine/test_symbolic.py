"""autograder.boundary.symbolic: trees out of the worker, checked rebuilds, equivalence verdicts, and the
rejection of hostile trees (each by its own exception class or verdict, quickly)."""
from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from fractions import Fraction

import numpy as np
import pytest
import sympy

from autograder import equivalence
from autograder.boundary import symbolic
from autograder.checks import CheckFailed
from autograder.boundary.symbolic import (BadAssumptions, BadSymbolName, MalformedTree, MatrixTooLarge,
                                 NumberTooLarge, StudentExpr, SymbolicRejected, TreeTooDeep,
                                 TreeTooLarge, UnsupportedNode)

LAM = sympy.Symbol("lam", positive=True)
T = sympy.Symbol("T", integer=True, positive=True)
W, Z1, G = sympy.symbols("w z1 g", real=True)
RNN_SYMBOLS = {symbol.name: symbol for symbol in (W, Z1, T, G)}
RNN_GRADIENT = (T - 1) * W ** (T - 2) * Z1 * G
X = sympy.Symbol("x")
# equal to x, but only after expanding a billion-term power
SNEAKY = X + (X + 1) ** (10**9) - (X**2 + 2 * X + 1) ** (5 * 10**8)
ONLY_LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="patches the child, which only 'fork' inherits")


def through_the_wire(expr, symbols):
    """What the grader holds after a worker returned `expr`: JSON, then a checked rebuild."""
    return symbolic.rebuild(json.loads(json.dumps(symbolic.to_tree(expr))), symbols)


def judge(expr, expected, symbols, timeout=10.0):
    return equivalence.equivalent(through_the_wire(expr, symbols), expected, timeout=timeout)


def check_factor(value):
    """The 3.a check: `value` against 1/lam."""
    equivalence.assert_equivalent(value, 1 / LAM, {"lam": LAM}, "scaled_gradient_factor(lam)", timeout=10)


def student_value(expr):
    return StudentExpr(json.loads(json.dumps(symbolic.to_tree(expr))))


def symbol(name="x", **facts):
    return ["Symbol", name, facts]


def nested(depth):
    tree = symbol()
    for _ in range(depth):
        tree = ["exp", tree]
    return tree


# ------------------------------------------------------------------------ trees round trip
@pytest.mark.parametrize("expr", [
    sympy.sqrt(W) * sympy.exp(-G) / 3 - sympy.Rational(7, 3) * sympy.log(W + 2) + sympy.pi * sympy.I,
    RNN_GRADIENT, sympy.Abs(W) * sympy.sign(G) + sympy.sin(W) ** 2 + sympy.cos(G) + sympy.tan(Z1),
    sympy.sinh(W) - sympy.cosh(W) * sympy.tanh(W), sympy.Float("0.25") * W, sympy.E**W, 1 / LAM])
def test_tree_is_json_and_rebuilds_the_same_expression(expr):
    tree = json.loads(json.dumps(symbolic.to_tree(expr)))
    assert symbolic.rebuild(tree, {}) == expr
    assert symbolic.rebuild(tree, {}, evaluate=True) == expr


@pytest.mark.parametrize("number, tree", [
    (3, ["Integer", "3"]), (-12, ["Integer", "-12"]), (Fraction(1, 3), ["Rational", "1", "3"]),
    (0.5, ["Float", "0.5"]), (np.int64(4), ["Integer", "4"]), (np.float64(0.1), ["Float", "0.1"])])
def test_plain_numbers_become_number_nodes(number, tree):
    assert symbolic.to_tree(number) == tree


def test_the_graders_symbols_and_assumptions_win():
    tree = ["Pow", symbol("lam"), ["Integer", "-1"]]  # the student built lam without assumptions
    assert symbolic.rebuild(tree, {"lam": LAM}) == 1 / LAM
    assert symbolic.rebuild(symbol("lam", negative=True), {"lam": LAM}) is LAM


def test_the_worker_rebuilds_symbols_with_their_assumptions():
    assert symbolic.rebuild(symbolic.to_tree(T), {}) == T
    assert symbolic.rebuild(symbolic.to_tree(T), {}).is_integer


def test_rebuild_in_the_grader_evaluates_nothing():
    # 2**(10**9) would be computed at construction; the grader only holds the inert tree
    power = symbolic.rebuild(["Pow", ["Integer", "2"], ["Integer", "1000000000"]], {})
    assert isinstance(power, sympy.Pow)
    assert power.args == (2, 10**9)


# ----------------------------------------------------------------------------- verdicts
@pytest.mark.parametrize("answer", [
    1 / LAM, LAM**-1, 2 / (2 * LAM), sympy.exp(-sympy.log(LAM)), 1.0 / LAM, -sympy.I * sympy.I / LAM,
    sympy.sqrt(LAM) ** -2, (LAM + 1) / (LAM**2 + LAM)])
def test_correct_scale_factors_are_equivalent(answer):
    assert judge(answer, 1 / LAM, {"lam": LAM}).equal is True


@pytest.mark.parametrize("answer", [
    (T - 1) * W ** (T - 1) / W * G * Z1, sympy.diff(W ** (T - 1), W) * Z1 * G,
    (T - 1) * W**T / W**2 * G * Z1, sympy.expand(RNN_GRADIENT),
    G * Z1 * (T * W ** (T - 2) - W ** (T - 2))])
def test_correct_rnn_gradients_are_equivalent(answer):
    assert judge(answer, RNN_GRADIENT, RNN_SYMBOLS).equal is True


@pytest.mark.parametrize("answer, expected, symbols", [
    (LAM, 1 / LAM, {"lam": LAM}), (1 / LAM**2, 1 / LAM, {"lam": LAM}), (0, 1 / LAM, {"lam": LAM}),
    (T * W ** (T - 1) * Z1 * G, RNN_GRADIENT, RNN_SYMBOLS),
    ((T - 2) * W ** (T - 2) * Z1 * G, RNN_GRADIENT, RNN_SYMBOLS)])
def test_wrong_answers_differ_at_a_named_point(answer, expected, symbols):
    verdict = judge(answer, expected, symbols)
    assert verdict.equal is False
    assert set(verdict.counterexample) == {s.name for s in expected.free_symbols}
    assert "the expected one" in verdict.reason


def test_the_integer_symbol_is_drawn_as_an_integer_of_at_least_2():
    verdict = judge(T * W ** (T - 1) * Z1 * G, RNN_GRADIENT, RNN_SYMBOLS)
    assert int(verdict.counterexample["T"]) >= 2


def test_an_inexact_float_is_not_the_exact_answer_and_the_reason_says_why():
    verdict = judge(0.333333333333333 / LAM, 1 / (3 * LAM), {"lam": LAM})
    assert verdict.equal is False
    assert "floating-point" in verdict.reason


def test_substitutions_choose_the_points():
    verdict = equivalence.equivalent(X**2, X, timeout=10, substitutions={"x": [5]})
    assert verdict.equal is False
    assert verdict.counterexample == {"x": "5"}


def test_a_huge_power_differs_quickly():
    assert judge(X ** (10**9), X, {}).equal is False


def test_a_huge_power_that_only_simplify_could_cancel_is_undecided_within_the_cap():
    verdict = judge(SNEAKY, X, {}, timeout=1)  # must stop at the cap (time or memory), not hang
    assert verdict.equal is None
    assert "simplify your expression" in verdict.reason


def test_a_power_that_explodes_on_evaluation_is_undecided():
    power = symbolic.rebuild(["Pow", ["Integer", "3"], ["Integer", "10" * 50]], {})
    assert equivalence.equivalent(power, sympy.Integer(3), timeout=1).equal is None


@ONLY_LINUX
@pytest.mark.parametrize("behaviour, reason", [
    (lambda job: time.sleep(120), "could not be decided in 0.5 s"),
    (lambda job: bytearray(8 * 2**30), "memory"),
    (lambda job: os._exit(3), "stopped unexpectedly")])
def test_the_child_is_stopped_and_reaped(monkeypatch, behaviour, reason):
    monkeypatch.setattr(equivalence, "_judge", behaviour)
    before = set(multiprocessing.active_children())
    verdict = equivalence.equivalent(X, X, timeout=0.5)
    assert verdict.equal is None
    assert reason in verdict.reason
    assert set(multiprocessing.active_children()) <= before


# ------------------------------------------------------------------------- hostile trees
NOT_DECIMALS = ("nan", "inf", "-inf", "1e", "", ".", "0x10", "1_000", "١", "1.2.3", "--1", " 1", "1 ",
                "1j", 1.5)
GARBAGE = (None, 42, "Add", {"Add": []}, [], [42], ["Add", 1, 2], ["Integer", 5], ["Integer", "1", "2"],
           ["Symbol", "x"], ["Rational", "1", "0"], ["Rational", "1", "-2"], ["Pow", symbol()],
           ["exp", symbol(), symbol()], ["Add", symbol()], ["pi", symbol()],
           type("L", (list,), {})(["pi"]))


@pytest.mark.parametrize("tree, rejection", [
    (symbol("__import__('os').system('x')"), BadSymbolName),
    (symbol("x" * 41), BadSymbolName), (symbol("λ"), BadSymbolName), (symbol("_x"), BadSymbolName),
    (symbol("x\n"), BadSymbolName), (["Symbol", 7, {}], BadSymbolName),
    (["Integer", "1" + "0" * 100_000], NumberTooLarge), (["Integer", "9" * 201], NumberTooLarge),
    (["Rational", "1", "3" * 300], NumberTooLarge), (["Float", "1" * 300], NumberTooLarge),
    (["Float", "1e100000"], NumberTooLarge), (["Float", "0" * 10**6 + "1"], NumberTooLarge),
    (["Add", *[["Integer", "1"]] * 100_000], TreeTooLarge), (nested(10_000), TreeTooDeep),
    (["Function:exec", symbol()], UnsupportedNode), (["Piecewise", symbol()], UnsupportedNode),
    (["Sum", symbol()], UnsupportedNode), (["oo"], UnsupportedNode), (["__class__"], UnsupportedNode),
    *[(["Float", text], MalformedTree) for text in NOT_DECIMALS],
    *[(garbage, MalformedTree) for garbage in GARBAGE],
    (symbol(evil=True), BadAssumptions), (symbol(positive=1), BadAssumptions),
    (symbol(positive=True, negative=True), BadAssumptions),
    (["Symbol", "x", ["positive"]], BadAssumptions)])
def test_hostile_trees_are_rejected_for_the_right_reason(tree, rejection):
    with pytest.raises(rejection):
        symbolic.rebuild(tree, {"x": X})


@pytest.mark.parametrize("value, rejection", [
    (sympy.Symbol("__import__('os').system('x')"), BadSymbolName),
    pytest.param(sympy.Integer(10 ** (10**5)), NumberTooLarge, id="sympy 10**10**5"),
    pytest.param(10 ** (10**5), NumberTooLarge, id="int 10**10**5"),
    (sympy.pi.evalf(300), NumberTooLarge), (sympy.Add(*sympy.symbols("a0:2001")), TreeTooLarge),
    (sympy.Piecewise((X, X > 0), (0, True)), UnsupportedNode),
    (sympy.Sum(X, (X, 1, 3)), UnsupportedNode),
    (sympy.Function("f")(X), UnsupportedNode), (sympy.Integral(X, X), UnsupportedNode),
    (sympy.oo, UnsupportedNode), (sympy.zoo, UnsupportedNode), (sympy.nan, UnsupportedNode),
    (float("nan"), UnsupportedNode), (True, UnsupportedNode), ("1/lam", UnsupportedNode),
    (sympy.MatrixSymbol("M", 2, 2), UnsupportedNode), (sympy.zeros(21, 20), MatrixTooLarge),
    (sympy.Dummy("x"), UnsupportedNode),
    (sympy.Symbol("A", commutative=False), UnsupportedNode), (sympy.GoldenRatio, UnsupportedNode)])
def test_the_worker_refuses_what_it_cannot_send(value, rejection):
    with pytest.raises(rejection):
        symbolic.to_tree(value)


def test_every_rejection_is_a_symbolic_rejection_with_a_summary_that_quotes_nothing():
    for rejection in (BadAssumptions, BadSymbolName, MalformedTree, NumberTooLarge, TreeTooDeep,
                      TreeTooLarge, UnsupportedNode):
        assert issubclass(rejection, SymbolicRejected)
        assert rejection.summary != SymbolicRejected.summary


def test_a_hostile_name_is_quoted_short_in_the_message():
    with pytest.raises(UnsupportedNode) as caught:
        symbolic.rebuild(["A" * 10_000], {})
    assert len(str(caught.value)) < 300


# --------------------------------------------------------------------- assert_equivalent
def test_assert_equivalent_passes_a_correct_answer():
    check_factor(student_value(LAM**-1))
    equivalence.assert_equivalent(3, sympy.Integer(3), {}, "a constant", timeout=10)
    equivalence.assert_equivalent(np.array(0.5), sympy.Rational(1, 2), {}, "a constant", timeout=10)


@pytest.mark.parametrize("value, words, detail", [
    ("1/lam", "must return a sympy expression, got str", None),
    (None, "must return a sympy expression", None),
    (True, "must return a sympy expression, got bool", None),
    (StudentExpr(["Function:exec", ["Integer", "1"]]), "outside the supported set", "'Function:exec'"),
    (StudentExpr(symbol("__import__('os')")), "not a plain identifier", "__import__"),
    (StudentExpr(["Mul", symbol("q"), symbol("lam")]), "not among its arguments (lam)", "unknown: q"),
    (student_value(LAM), "not equivalent", "lam ="), (1.0, "not equivalent", "lam ="),
    (np.array(2), "not equivalent", "lam =")])
def test_assert_equivalent_names_the_failed_property(value, words, detail):
    with pytest.raises(CheckFailed) as caught:
        check_factor(value)
    assert words in caught.value.message
    if detail is not None:  # what the student chose, and values, stay out of the message
        assert detail in caught.value.detail and detail not in caught.value.message


def test_an_opaque_value_is_described_in_the_detail_only():
    from autograder.boundary.wire import Opaque

    described = "sympy expression that cannot be graded: symbol name 'secret_0_5' ..."
    with pytest.raises(CheckFailed) as caught:
        check_factor(Opaque(described))
    assert "secret" not in caught.value.message
    assert described in caught.value.detail


def test_an_undecided_answer_fails_with_the_reason():
    with pytest.raises(CheckFailed, match="simplify your expression"):
        equivalence.assert_equivalent(student_value(SNEAKY), X, [X], "f(x)", timeout=1)
