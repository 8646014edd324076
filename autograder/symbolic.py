"""Sympy answers across the trust boundary (parts 3.a and 6.a).

WORKER: `to_tree` turns what the student returned into a tree of whitelisted nodes. GRADER:
`rebuild` validates that tree from scratch and builds it with sympy constructors only;
`equivalent` decides equality with the expected expression in a child process killed at a
deadline (random exact points, then a proof); `assert_equivalent` turns that into a check.

Tree format (JSON-able; every number is a decimal string, so no JSON number semantics enter):
    ["Integer", "-12"]  ["Rational", "3", "7"]  ["Float", "0.5"]  ["pi"]  ["E"]  ["I"]
    ["Symbol", "lam", {"positive": true}]  ["Add", t, t, ...]  ["Mul", t, t, ...]  ["Pow", b, e]
    [f, t] for f in exp, log, Abs, sign, sin, cos, tan, sinh, cosh, tanh (sqrt is a Pow)

Accepted: `I`, because answers are judged by value, not form (-I*I/lam is 1/lam), and the
constant carries no risk. Rejected: oo, -oo, zoo, nan (nowhere a number, so not comparable at
points); Piecewise (its conditions would widen the whitelist to relations and logic; no answer
here needs one); Sum, Integral, Derivative, undefined functions and all else (unevaluated
operators hide dummy variables and unbounded work; the answers here are closed forms).
"""
from __future__ import annotations

import json
import math
import multiprocessing
import numbers
import os
import random
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import mpmath
import numpy as np
import sympy
from mpmath.libmp import prec_to_dps, to_str

MAX_NODES = 2_000
MAX_DEPTH = 100
MAX_DIGITS = 200  # of an integer, a numerator, a denominator, a Float's mantissa
MAX_FLOAT_EXPONENT = 1_000  # |e| of a Float literal such as "1.5e-300"
MAX_NAME_LENGTH = 40
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


# ----------------------------------------------------------------------------- to_tree
def to_tree(expr: Any) -> list:
    """WORKER side: a sympy expression or a plain real number as a whitelisted tree (module doc).

    Raises a `SymbolicRejected` subclass naming the reason; the grader validates again anyway.
    """
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


def rebuild(tree: Any, symbols: Mapping[str, sympy.Symbol], *, evaluate: bool = False) -> sympy.Expr:
    """A tree as a sympy expression, built node by node with sympy constructors.

    The tree is hostile: every node is checked again (whitelist, caps, literals). Names found in
    `symbols` become those symbols, so the grader's assumptions win; other names become Symbols
    with the tree's own validated assumptions (how the worker rebuilds the grader's symbols
    from `{}`; in the grader they fail the check by name).

    `evaluate=False` (the default) builds the tree as written: sympy's automatic evaluation can
    be made to do unbounded work (2**(10**9) is computed at construction, Abs and sign of a
    constant call evalf), so the grader process holds inert structure only and all evaluation
    happens in `equivalent`'s time-capped child. The worker may pass `evaluate=True`.

    NEVER sympify, parse_expr, eval, lambdify or S(str) anything from the worker: they run
    Python code chosen by whoever wrote the string (a Symbol's name is enough).
    """
    return _decode(tree, 0, _Budget(), symbols, evaluate)


def _decode(node: Any, depth: int, budget: _Budget, symbols: Mapping[str, sympy.Symbol],
            evaluate: bool) -> sympy.Expr:
    budget.visit(depth)
    # exact types: a list subclass could run code when read
    if type(node) not in (list, tuple) or not node or type(node[0]) is not str:
        raise MalformedTree(f"a node must be a list starting with its type name, got {_shown(node)}")
    head, args = node[0], node[1:]
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


# -------------------------------------------------------------------------- equivalence
POINTS_WANTED = 4  # conclusive random points before a proof is tried
POINT_ATTEMPTS = 16
DIGITS = 30  # evalf precision at a point; values agree within RELATIVE_TOLERANCE
RELATIVE_TOLERANCE = mpmath.mpf(10) ** -20
MAX_EXACT_EXPONENT = 1_000  # a larger power is evaluated with evalf, not in exact arithmetic
CHILD_EXTRA_MEMORY = 512 * 2**20  # address space the child may add to what it starts with
STARTUP_GRACE_S = 60.0  # for the child to start; `timeout` counts from then
_SEED = 546
_PROOF_STEPS = (  # cheapest first; each returns an expression equal to its argument
    sympy.expand, lambda d: sympy.cancel(sympy.together(d)),
    lambda d: sympy.powsimp(sympy.expand(d)), sympy.simplify)


@dataclass(frozen=True)
class Verdict:
    """equal: True (proved), False (differs at `counterexample`), None (undecided: see `reason`).

    When equal is False, `reason` holds both values at the point: feedback detail, which must
    not reach the message of a hidden check.
    """

    equal: bool | None
    reason: str
    counterexample: dict[str, str] | None = None


def equivalent(student: sympy.Expr, expected: sympy.Expr, *, timeout: float,
               substitutions: Mapping[str, Iterable[Any]] | None = None) -> Verdict:
    """Whether student == expected for all values of their symbols, decided in a child process
    killed at `timeout` s, because simplify can hang or exhaust memory on adversarial input.

    Random exact points (rationals of the sign the assumptions give, integers 2..9 for integer
    symbols, or values drawn from `substitutions[name]`) can only show a difference; equality
    needs a proof (expand, cancel, powsimp, then simplify). A Float counts as the decimal it
    prints as: 1.0/lam equals 1/lam, 0.333333333333333 is not 1/3.
    """
    job = {"student": to_tree(student), "expected": to_tree(expected),
           "substitutions": {name: [to_tree(value) for value in values]
                             for name, values in (substitutions or {}).items()}}
    # 'fork' on Linux starts in milliseconds with nothing to re-import; the child only runs
    # sympy on plain lists (no torch, no threads, no lock a grader thread could hold) and leaves
    # through os._exit. 'spawn' elsewhere: fork is unsafe on macOS and missing on Windows.
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, job), daemon=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+ "fork with threads": see above
        process.start()
    sender.close()
    try:
        if not receiver.poll(STARTUP_GRACE_S) or receiver.recv_bytes(16) != b"ready":
            return Verdict(None, "the equivalence check could not start")
        if not receiver.poll(timeout):
            return Verdict(None, f"could not be decided in {timeout:g} s; simplify your expression")
        return Verdict(**json.loads(receiver.recv_bytes(1_000_000)))
    except (EOFError, OSError, ValueError, TypeError):
        return Verdict(None, "the equivalence check stopped unexpectedly; simplify your expression")
    finally:  # never leave the child running past the deadline, and always reap it
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
        process.close()


def _child_main(sender: Any, job: dict) -> None:
    sender.send_bytes(b"ready")
    try:
        _limit_memory()
        verdict = _judge(job)
    except MemoryError:
        verdict = Verdict(None, "needed too much memory to decide; simplify your expression")
    except Exception as error:  # sympy fails in many ways on odd input: undecided, never a crash
        verdict = Verdict(None, f"could not be decided (sympy raised {type(error).__name__}); "
                                "simplify your expression")
    sender.send_bytes(json.dumps(asdict(verdict)).encode())


def _limit_memory() -> None:
    """Cap the child's address space, so a blow-up ends in MemoryError, not in the OOM killer."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        return  # not Linux: the deadline alone bounds the child
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + CHILD_EXTRA_MEMORY
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _judge(job: dict) -> Verdict:
    """CHILD side: random points, then a proof."""
    student = rebuild(job["student"], {}, evaluate=True)
    expected = _exact_floats(rebuild(job["expected"], {}, evaluate=True))
    floats_note = ""
    if student.atoms(sympy.Float):
        floats_note = (" (your expression contains floating-point numbers, read as the decimals "
                       "they print as; write exact numbers, e.g. sympy.Rational(1, 3))")
        student = _exact_floats(student)
    candidates = {name: [rebuild(tree, {}, evaluate=True) for tree in trees]
                  for name, trees in job["substitutions"].items()}
    symbols = sorted(student.free_symbols | expected.free_symbols, key=lambda s: s.name)
    rng = random.Random(_SEED)
    agreed = 0
    for _ in range(POINT_ATTEMPTS):
        if agreed >= POINTS_WANTED:
            break
        point = {symbol: _draw(symbol, rng, candidates.get(symbol.name)) for symbol in symbols}
        want = _value_at(expected, point)
        got = _value_at(student, point) if want is not None else None
        if got is None:
            continue  # undefined there, or not evaluable to full precision: inconclusive
        if not _close(got, want):
            where = ", ".join(f"{symbol.name} = {value}" for symbol, value in point.items())
            return Verdict(False, f"at {where or 'every point'}: your expression = {_shown_value(got)}, "
                                  f"the expected one = {_shown_value(want)}{floats_note}",
                           {symbol.name: str(value) for symbol, value in point.items()})
        agreed += 1
    if _proved_zero(student - expected):
        return Verdict(True, "proved equal")
    if agreed:
        return Verdict(None, f"agrees with the expected expression at {agreed} random points, but "
                             f"sympy could not prove them equal; simplify your expression{floats_note}")
    return Verdict(None, "could neither be evaluated at random points nor proved equal; "
                         "simplify your expression")


def _exact_floats(expr: sympy.Expr) -> sympy.Expr:
    return expr.xreplace({number: _parse_decimal(_float_text(number))[0]
                          for number in expr.atoms(sympy.Float)})


def _proved_zero(difference: sympy.Expr) -> bool:
    if difference == 0:
        return True
    for step in _PROOF_STEPS:
        try:
            if step(difference) == 0:
                return True
        except MemoryError:
            raise
        except Exception:  # e.g. PolynomialError from cancel: try the next step
            continue
    # without symbols (radicals, say) `equals` can prove a number zero
    return not difference.free_symbols and difference.equals(0) is True


def _draw(symbol: sympy.Symbol, rng: random.Random, candidates: list | None) -> sympy.Expr:
    """A value that respects the symbol's assumptions; never 0 or ±1, where many forms coincide."""
    if candidates:
        return rng.choice(candidates)
    magnitude = sympy.Integer(rng.randint(2, 9)) if symbol.is_integer else sympy.Integer(1)
    while magnitude == 1:
        magnitude = sympy.Rational(rng.randint(1, 40), rng.randint(1, 12))
    if symbol.is_nonnegative:
        return magnitude
    return -magnitude if symbol.is_nonpositive else magnitude * rng.choice((1, -1))


def _value_at(expr: sympy.Expr, point: dict) -> sympy.Rational | mpmath.mpc | None:
    """The value at a point, exactly when that is cheap, else to DIGITS digits; None where it is
    undefined or evalf cannot reach full precision (cancellation)."""
    try:
        if all(_small_number(power.exp.xreplace(point)) for power in expr.atoms(sympy.Pow)):
            exact = expr.xreplace(point)
            if exact.is_Rational:
                return exact
            value = exact.evalf(DIGITS, strict=True)
        else:
            value = expr.evalf(DIGITS, subs=point, strict=True)
        parts = value.as_real_imag()
        if not all(part.is_Number and part.is_finite for part in parts):
            return None
        with mpmath.workdps(DIGITS + 10):
            return mpmath.mpc(*(mpmath.mpf(sympy.Float(part, DIGITS + 10)) for part in parts))
    except MemoryError:
        raise
    except Exception:  # PrecisionExhausted, ZeroDivisionError, mpmath errors: inconclusive
        return None


def _small_number(exponent: sympy.Expr) -> bool:
    return bool(exponent.is_Number and abs(exponent) <= MAX_EXACT_EXPONENT)


def _close(a: sympy.Rational | mpmath.mpc, b: sympy.Rational | mpmath.mpc) -> bool:
    if isinstance(a, sympy.Rational) and isinstance(b, sympy.Rational):
        return a == b
    with mpmath.workdps(DIGITS + 10):
        a, b = (mpmath.mpf(x.p) / x.q if isinstance(x, sympy.Rational) else x for x in (a, b))
        return bool(abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b)))


def _shown_value(value: sympy.Rational | mpmath.mpc) -> str:
    if isinstance(value, sympy.Rational):
        return str(value)
    return mpmath.nstr(value.real if value.imag == 0 else value, 15)


# ---------------------------------------------------------------------- test-side helper
def assert_equivalent(value: Any, expected: sympy.Expr,
                      symbols: Mapping[str, sympy.Symbol] | Iterable[sympy.Symbol], what: str, *,
                      timeout: float) -> None:
    """Fail the check unless `value` (a `StudentExpr`; an int, float or 0-d real array counts as a
    constant expression) equals `expected` for all values of `symbols`, the symbols the student's
    function received.

    Messages are shown for hidden checks too, so they hold no text the student chose (symbol names,
    type names sent by the worker) and no values: those go to the detail.
    """
    from autograder.checks import CheckFailed, type_name
    from autograder.wire import Opaque

    table = dict(symbols) if isinstance(symbols, Mapping) else {s.name: s for s in symbols}
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf":
        value = value.item()  # a NumPy scalar crosses the wire as a 0-d array
    if isinstance(value, Opaque):
        raise CheckFailed(f"{what} must return a sympy expression the grader can read",
                          detail=f"got {type_name(value)}")
    if not (type(value) in (int, float) or isinstance(value, StudentExpr)):
        raise CheckFailed(f"{what} must return a sympy expression, got {type_name(value)}")
    try:
        student = rebuild(value.tree if isinstance(value, StudentExpr) else to_tree(value), table)
    except SymbolicRejected as error:
        raise CheckFailed(f"{what} returned an expression that cannot be graded: {error.summary}",
                          detail=str(error)) from None
    unknown = sorted({s.name for s in student.free_symbols if table.get(s.name) != s})
    if unknown:
        raise CheckFailed(f"{what} uses symbols that are not among its arguments "
                          f"({', '.join(sorted(table)) or 'none'})",
                          detail=f"unknown: {', '.join(unknown)}")
    verdict = equivalent(student, expected, timeout=timeout)
    if verdict.equal is False:
        raise CheckFailed(f"{what} is not equivalent to the expected expression", detail=verdict.reason)
    if verdict.equal is None:
        raise CheckFailed(f"{what}: {verdict.reason}")
