"""Sympy answers across the trust boundary.

WORKER: `to_tree` turns what the student returned into a tree of whitelisted nodes. GRADER:
`rebuild` validates that tree from scratch and builds it with sympy constructors only;
`autograder.equivalence` then judges it against the expected expression.

Tree format (JSON-able; every number is a decimal string, so no JSON number semantics enter):
    ["Integer", "-12"]  ["Rational", "3", "7"]  ["Float", "0.5"]  ["pi"]  ["E"]  ["I"]
    ["Symbol", "lam", {"positive": true}]  ["Add", t, t, ...]  ["Mul", t, t, ...]  ["Pow", b, e]
    [f, t] for f in exp, log, Abs, sign, sin, cos, tan, sinh, cosh, tanh (sqrt is a Pow)
    ["Matrix", "2", "1", t, t]  a dense matrix (rows, columns, entries row by row), at the top only

A matrix's entries are trees under the same caps as a scalar answer, each with its own budget;
a matrix holds at most MAX_MATRIX_ENTRIES of them. A vector is a column matrix, as the grader sends it.

Accepted: `I`, because answers are judged by value, not form (-I*I/lam is 1/lam), and the
constant carries no risk. Rejected: oo, -oo, zoo, nan (nowhere a number, so not comparable at
points); Piecewise (its conditions would widen the whitelist to relations and logic; no answer
here needs one); Sum, Integral, Derivative, undefined functions and all else (unevaluated
operators hide dummy variables and unbounded work; the answers here are closed forms).
"""
from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy
from mpmath.libmp import prec_to_dps, to_str

MAX_NODES = 2_000
MAX_DEPTH = 100
MAX_DIGITS = 200  # of an integer, a numerator, a denominator, a Float's mantissa
MAX_FLOAT_EXPONENT = 1_000  # |e| of a Float literal such as "1.5e-300"
MAX_NAME_LENGTH = 40
MAX_MATRIX_ENTRIES = 400  # a 20 x 20 matrix; answers here are at most a few rows
ASSUMPTIONS = ("positive", "negative", "nonnegative", "nonpositive", "real", "integer", "nonzero")

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*", re.ASCII)
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?", re.ASCII)
_CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "E": sympy.E, "I": sympy.I}
_UNDEFINED = {sympy.oo: "oo", -sympy.oo: "-oo", sympy.zoo: "zoo", sympy.nan: "nan"}
_FUNCTIONS = (sympy.exp, sympy.log, sympy.Abs, sympy.sign, sympy.sin, sympy.cos, sympy.tan,
              sympy.sinh, sympy.cosh, sympy.tanh)
# node name -> (constructor, number of arguments; None: two or more)
_OPERATORS: dict[str, tuple[type, int | None]] = {
    "Add": (sympy.Add, None), "Mul": (sympy.Mul, None), "Pow": (sympy.Pow, 2),
    **{cls.__name__: (cls, 1) for cls in _FUNCTIONS}}
_HEADS = {cls: name for name, (cls, _) in _OPERATORS.items()}
_MATRIX_TYPES = (sympy.MutableDenseMatrix, sympy.ImmutableDenseMatrix)
_LEAF_FIELDS = {"Integer": 1, "Rational": 2, "Float": 1, "Symbol": 2, **dict.fromkeys(_CONSTANTS, 0)}


# ------------------------------------------------------------------------------ rejections
# The message may quote what the student wrote (a symbol's name); `summary` never does, so it is
# what a hidden check may show.
class SymbolicRejected(ValueError):
    """The expression cannot be graded; the message says why, in words for the student."""

    summary = "it cannot be read"


class UnsupportedNode(SymbolicRejected):
    summary = "it uses an operation or value outside the supported set"

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not supported: use numbers, symbols, + - * / **, exp, log, "
                         "sqrt, Abs, sign, sin, cos, tan, sinh, cosh, tanh, pi, E, I")


class TreeTooLarge(SymbolicRejected):
    summary = f"it has more than {MAX_NODES} parts"


class TreeTooDeep(SymbolicRejected):
    summary = f"it is nested more than {MAX_DEPTH} levels deep"


class NumberTooLarge(SymbolicRejected):
    summary = f"it holds a number of more than {MAX_DIGITS} digits or a huge exponent"


class MatrixTooLarge(SymbolicRejected):
    summary = f"it is a matrix of more than {MAX_MATRIX_ENTRIES} entries"


class BadSymbolName(SymbolicRejected):
    summary = f"a symbol name is not a plain identifier of at most {MAX_NAME_LENGTH} characters"


class BadAssumptions(SymbolicRejected):
    summary = "a symbol's assumptions are unknown, not True/False, or contradictory"


class MalformedTree(SymbolicRejected):
    summary = "it is not a well-formed expression tree"


def _shown(text: Any) -> str:
    """Untrusted text quoted for a message: short and inert."""
    if type(text) is not str:
        return f"a {type(text).__name__}"
    return repr(text[:MAX_NAME_LENGTH]) + ("..." if len(text) > MAX_NAME_LENGTH else "")


class _Budget:
    """Counts nodes while walking, so a huge or deep tree is refused before it is read in full."""

    def __init__(self) -> None:
        self.nodes = 0

    def visit(self, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise TreeTooDeep(f"the expression is nested more than {MAX_DEPTH} levels deep")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise TreeTooLarge(f"the expression has more than {MAX_NODES} parts")


# ------------------------------------------------------------------------ numbers as text
def _integer_text(value: int) -> str:
    # bit_length first: str() of a huge int is slow, and refused past 4,300 digits
    text = str(value) if value.bit_length() <= 4 * MAX_DIGITS else ""
    if not text or len(text.lstrip("-")) > MAX_DIGITS:
        raise NumberTooLarge(f"an integer has more than {MAX_DIGITS} digits")
    return text


def _parse_integer(text: Any) -> int:
    if type(text) is not str or not _INTEGER.fullmatch(text):
        raise MalformedTree(f"an integer must be a decimal string, got {_shown(text)}")
    if len(text.lstrip("+-")) > MAX_DIGITS:  # before int() does any work
        raise NumberTooLarge(f"an integer has more than {MAX_DIGITS} digits")
    return int(text)


def _parse_decimal(text: Any) -> tuple[sympy.Rational, int]:
    """A Float literal as (its exact decimal value, its significant digits), validated and capped."""
    if type(text) is str and len(text) > MAX_DIGITS + 10:  # before any parsing
        raise NumberTooLarge(f"a Float has more than {MAX_DIGITS} digits")
    match = _DECIMAL.fullmatch(text) if type(text) is str else None
    if match is None or not (match.group(2) or match.group(3)):
        raise MalformedTree(f"a Float must be a decimal literal, got {_shown(text)}")
    sign, whole, fraction, exponent = match.groups(default="")
    power = int(exponent or 0) - len(fraction)
    if abs(power) > MAX_FLOAT_EXPONENT + MAX_DIGITS:
        raise NumberTooLarge(f"a Float's exponent is beyond 10^±{MAX_FLOAT_EXPONENT}")
    mantissa = int(sign + whole + fraction)
    value = sympy.Rational(mantissa * 10**power) if power >= 0 else sympy.Rational(mantissa, 10**-power)
    return value, len((whole + fraction).lstrip("0"))


def _float_text(value: sympy.Float) -> str:
    """The digits sympy prints for a Float (15 significant digits for a Python float)."""
    return to_str(value._mpf_, prec_to_dps(value._prec))


def exact_decimal(value: sympy.Float) -> sympy.Rational:
    """The exact decimal a Float prints as: `1.0/lam` is judged as 1/lam, `0.333/lam` is not 1/(3 lam)."""
    return _parse_decimal(_float_text(value))[0]


# ----------------------------------------------------------------------------- to_tree
def to_tree(expr: Any) -> list:
    """WORKER side: a sympy expression or a plain real number as a whitelisted tree (module doc).

    A dense sympy matrix (mutable or immutable) becomes a "Matrix" node of its entries. Raises a
    `SymbolicRejected` subclass naming the reason; the grader validates again anyway.
    """
    if type(expr) in _MATRIX_TYPES:  # exact types: a subclass could override indexing
        rows, cols = int(expr.rows), int(expr.cols)
        if rows * cols > MAX_MATRIX_ENTRIES:
            raise MatrixTooLarge(f"the matrix has {rows} x {cols} entries, more than {MAX_MATRIX_ENTRIES}")
        return ["Matrix", str(rows), str(cols),
                *(_encode(expr[i, j], 1, _Budget()) for i in range(rows) for j in range(cols))]
    return _encode(expr, 0, _Budget())


def _encode(expr: Any, depth: int, budget: _Budget) -> list:
    budget.visit(depth)
    if isinstance(expr, bool):
        raise UnsupportedNode("a bool")
    if not isinstance(expr, sympy.Basic):
        return _encode_plain_number(expr)
    if isinstance(expr, sympy.Integer):
        return ["Integer", _integer_text(int(expr))]
    if isinstance(expr, sympy.Rational):
        return ["Rational", _integer_text(int(expr.p)), _integer_text(int(expr.q))]
    if isinstance(expr, sympy.Float):
        text = _float_text(expr)
        _parse_decimal(text)  # the caps hold on both sides
        return ["Float", text]
    if isinstance(expr, sympy.MatrixBase):
        raise UnsupportedNode("a matrix inside an expression (return the matrix itself)")
    if type(expr) is sympy.Symbol:  # exactly Symbol: Dummy and Wild are not names a student chose
        return _symbol_node(expr)
    for name, constant in _CONSTANTS.items():
        if expr is constant:
            return [name]
    if expr in _UNDEFINED:
        raise UnsupportedNode(_UNDEFINED[expr])
    head = _HEADS.get(type(expr))  # the exact type: a subclass could override anything
    if head is None:
        raise UnsupportedNode(type(expr).__name__)
    return [head, *(_encode(arg, depth + 1, budget) for arg in expr.args)]


def _encode_plain_number(value: Any) -> list:
    if isinstance(value, numbers.Integral):
        return ["Integer", _integer_text(int(value))]
    if isinstance(value, numbers.Rational):
        return ["Rational", _integer_text(int(value.numerator)), _integer_text(int(value.denominator))]
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise UnsupportedNode(repr(number))
        return _encode(sympy.Float(number), 0, _Budget())
    raise UnsupportedNode(f"a {type(value).__name__}")


def _symbol_node(symbol: sympy.Symbol) -> list:
    _check_name(symbol.name)
    if not symbol.is_commutative:
        raise UnsupportedNode("a non-commutative Symbol")
    facts = {key: bool(value) for key in ASSUMPTIONS
             if (value := getattr(symbol, f"is_{key}")) is not None}
    return ["Symbol", symbol.name, facts]


def _check_name(name: Any) -> str:
    if type(name) is not str or len(name) > MAX_NAME_LENGTH or not _NAME.fullmatch(name):
        raise BadSymbolName(f"symbol name {_shown(name)} is not a plain identifier of at most "
                            f"{MAX_NAME_LENGTH} characters (letters, digits, _; a letter first)")
    return name


# ----------------------------------------------------------------------------- rebuild
@dataclass(frozen=True)
class StudentExpr:
    """A student's expression as the grader received it: an untrusted tree that only `rebuild`
    reads (and validates from scratch)."""

    tree: Any

    def __repr__(self) -> str:
        return "StudentExpr(<unvalidated tree>)"

    @property
    def shape(self) -> tuple[int, int] | None:
        """(rows, columns) of a matrix answer as the tree claims it (validated again by
        `rebuild`), None for a scalar, or a malformed matrix."""
        tree = self.tree
        if type(tree) is not list or len(tree) < 3 or tree[0] != "Matrix":
            return None
        try:
            rows, cols = _parse_integer(tree[1]), _parse_integer(tree[2])
        except SymbolicRejected:
            return None
        return (rows, cols) if rows * cols == len(tree) - 3 else None


def rebuild(tree: Any, symbols: Mapping[str, sympy.Symbol], *,
            evaluate: bool = False) -> sympy.Expr | sympy.ImmutableMatrix:
    """A tree as a sympy expression, built node by node with sympy constructors.

    The tree is hostile: every node is checked again (whitelist, caps, literals). Names found in
    `symbols` become those symbols, so the grader's assumptions win; other names become Symbols
    with the tree's own validated assumptions (how the worker rebuilds the grader's symbols
    from `{}`; in the grader they fail the check by name).

    `evaluate=False` (the default) builds the tree as written: sympy's automatic evaluation can
    be made to do unbounded work (2**(10**9) is computed at construction, Abs and sign of a
    constant call evalf), so the grader process holds inert structure only and all evaluation
    happens in `equivalent`'s time-capped child. The worker may pass `evaluate=True`.

    A "Matrix" tree becomes an `ImmutableMatrix` of its rebuilt entries (each under its own budget).

    NEVER sympify, parse_expr, eval, lambdify or S(str) anything from the worker: they run
    Python code chosen by whoever wrote the string (a Symbol's name is enough).
    """
    if type(tree) in (list, tuple) and tree and tree[0] == "Matrix":
        return _decode_matrix(tree, symbols, evaluate)
    return _decode(tree, 0, _Budget(), symbols, evaluate)


def _decode_matrix(tree: list | tuple, symbols: Mapping[str, sympy.Symbol],
                   evaluate: bool) -> sympy.ImmutableMatrix:
    if len(tree) < 3:
        raise MalformedTree("a Matrix needs its number of rows and columns")
    rows, cols = _parse_integer(tree[1]), _parse_integer(tree[2])
    if rows < 1 or cols < 1:
        raise MalformedTree("a Matrix needs at least one row and one column")
    if rows * cols > MAX_MATRIX_ENTRIES:
        raise MatrixTooLarge(f"the matrix has {rows} x {cols} entries, more than {MAX_MATRIX_ENTRIES}")
    if len(tree) - 3 != rows * cols:
        raise MalformedTree(f"a {rows} x {cols} Matrix has {len(tree) - 3} entries")
    entries = [_decode(entry, 1, _Budget(), symbols, evaluate) for entry in tree[3:]]
    return sympy.ImmutableMatrix(rows, cols, entries)


def _decode(node: Any, depth: int, budget: _Budget, symbols: Mapping[str, sympy.Symbol],
            evaluate: bool) -> sympy.Expr:
    budget.visit(depth)
    # exact types: a list subclass could run code when read
    if type(node) not in (list, tuple) or not node or type(node[0]) is not str:
        raise MalformedTree(f"a node must be a list starting with its type name, got {_shown(node)}")
    head, args = node[0], node[1:]
    if head == "Matrix":
        raise UnsupportedNode("a matrix inside an expression (return the matrix itself)")
    if head in _LEAF_FIELDS:
        if len(args) != _LEAF_FIELDS[head]:
            raise MalformedTree(f"{head} has the wrong number of fields ({len(args)})")
        return _decode_leaf(head, args, symbols)
    if head not in _OPERATORS:
        raise UnsupportedNode(_shown(head))
    constructor, arity = _OPERATORS[head]
    if len(args) != arity if arity else len(args) < 2:
        raise MalformedTree(f"{head} has the wrong number of arguments ({len(args)})")
    return constructor(*(_decode(arg, depth + 1, budget, symbols, evaluate) for arg in args),
                       evaluate=evaluate)


def _decode_leaf(head: str, args: list | tuple, symbols: Mapping[str, sympy.Symbol]) -> sympy.Expr:
    if head == "Integer":
        return sympy.Integer(_parse_integer(args[0]))
    if head == "Rational":
        numerator, denominator = _parse_integer(args[0]), _parse_integer(args[1])
        if denominator <= 0:
            raise MalformedTree("a Rational's denominator must be positive")
        return sympy.Rational(numerator, denominator)
    if head == "Float":
        value, digits = _parse_decimal(args[0])
        return sympy.Float(value, max(15, digits))  # from validated integers, not from the text
    if head == "Symbol":
        name, facts = _check_name(args[0]), _check_assumptions(args[1])
        try:
            own = sympy.Symbol(name, **facts)
        except Exception as error:  # sympy's InconsistentAssumptions (positive and negative, ...)
            raise BadAssumptions(f"symbol {name} has contradictory assumptions") from error
        return symbols.get(name, own)
    return _CONSTANTS[head]


def _check_assumptions(facts: Any) -> dict[str, bool]:
    if type(facts) is not dict or len(facts) > len(ASSUMPTIONS):
        raise BadAssumptions("a symbol's assumptions must be a small dict")
    for key, value in facts.items():
        if key not in ASSUMPTIONS or type(value) is not bool:
            raise BadAssumptions(f"assumption {_shown(key)} is not one of {', '.join(ASSUMPTIONS)} "
                                 "with a True/False value")
    return dict(facts)
