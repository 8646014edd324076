"""Is a student's sympy answer equivalent to the expected one?

`equivalent` decides in a child process killed at a deadline, because `simplify` can hang or
explode on adversarial input: first at random exact points (a disagreement is a counterexample),
then by proof (`expand`, `cancel`, `powsimp`, `simplify`, cheapest first); if neither settles it in
time, the verdict is "undecided" with a clear reason. `assert_equivalent` turns that into a check.
Expressions reach the child as trees (`autograder.boundary.symbolic`), never as text to parse.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import random
import sys
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import mpmath
import numpy as np
import sympy

from autograder.boundary.symbolic import StudentExpr, SymbolicRejected, exact_decimal, rebuild, to_tree
from autograder.errors import CheckFailed

POINTS_WANTED = 4  # conclusive random points before a proof is tried
POINT_ATTEMPTS = 16
DIGITS = 30  # evalf precision at a point; values agree within RELATIVE_TOLERANCE
RELATIVE_TOLERANCE = mpmath.mpf(10) ** -20
APPROXIMATE_TOLERANCE = mpmath.mpf(10) ** -3  # relative: -1.386 for -log 4 is an approximation
APPROXIMATE_CREDIT = 0.5  # of the check's points, for an answer that only approximates an exact value
MAX_EXACT_EXPONENT = 1_000  # a larger power is evaluated with evalf, not in exact arithmetic
CHILD_EXTRA_MEMORY = 512 * 2**20  # address space the child may add to what it starts with
STARTUP_GRACE_S = 60.0  # for the child to start; `timeout` counts from then
_SEED = 546
_PROOF_STEPS = (  # cheapest first; each returns an expression equal to its argument
    sympy.expand, lambda d: sympy.cancel(sympy.together(d)),
    lambda d: sympy.powsimp(sympy.expand(d)), sympy.simplify,
    lambda d: sympy.simplify(d.rewrite(sympy.exp)))  # tanh, sinh, cosh against exp forms


@dataclass(frozen=True)
class Verdict:
    """equal: True (proved), False (differs at `counterexample`), None (undecided: see `reason`).

    When equal is False, `reason` holds both values at the point: feedback detail, which must
    not reach the message of a hidden check. `approximate`: not equal, but a student expression
    with floating-point numbers in it agrees to APPROXIMATE_TOLERANCE at every point tried.
    """

    equal: bool | None
    reason: str
    counterexample: dict[str, str] | None = None
    approximate: bool = False


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
    agreed, different = 0, None
    for _ in range(POINT_ATTEMPTS):
        if agreed >= POINTS_WANTED:
            break
        point = {symbol: _draw(symbol, rng, candidates.get(symbol.name)) for symbol in symbols}
        want = _value_at(expected, point)
        got = _value_at(student, point) if want is not None else None
        if got is None:
            continue  # undefined there, or not evaluable to full precision: inconclusive
        if not _close(got, want):
            if different is None:
                where = ", ".join(f"{symbol.name} = {value}" for symbol, value in point.items())
                different = Verdict(
                    False, f"at {where or 'every point'}: your expression = {_shown_value(got)}, "
                           f"the expected one = {_shown_value(want)}{floats_note}",
                    {symbol.name: str(value) for symbol, value in point.items()},
                    approximate=bool(floats_note))
            if not (floats_note and _close(got, want, APPROXIMATE_TOLERANCE)):
                return Verdict(**{**asdict(different), "approximate": False})
        agreed += 1
    if different is not None:
        return different  # every point agreed to APPROXIMATE_TOLERANCE: an approximation
    if _proved_zero(student - expected):
        return Verdict(True, "proved equal")
    if agreed:
        return Verdict(None, f"agrees with the expected expression at {agreed} random points, but "
                             f"sympy could not prove them equal; simplify your expression{floats_note}")
    return Verdict(None, "could neither be evaluated at random points nor proved equal; "
                         "simplify your expression")


def _exact_floats(expr: sympy.Expr) -> sympy.Expr:
    return expr.xreplace({number: exact_decimal(number) for number in expr.atoms(sympy.Float)})


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


def _close(a: sympy.Rational | mpmath.mpc, b: sympy.Rational | mpmath.mpc,
           tolerance: mpmath.mpf = RELATIVE_TOLERANCE) -> bool:
    if isinstance(a, sympy.Rational) and isinstance(b, sympy.Rational) and tolerance is RELATIVE_TOLERANCE:
        return a == b
    with mpmath.workdps(DIGITS + 10):
        a, b = (mpmath.mpf(x.p) / x.q if isinstance(x, sympy.Rational) else x for x in (a, b))
        return bool(abs(a - b) <= tolerance * max(abs(a), abs(b)))


def _shown_value(value: sympy.Rational | mpmath.mpc) -> str:
    if isinstance(value, sympy.Rational):
        return str(value)
    return mpmath.nstr(value.real if value.imag == 0 else value, 15)


# ---------------------------------------------------------------------- test-side helper
class _Score(Protocol):
    def set(self, fraction: float) -> None: ...


def assert_equivalent(value: Any, expected: sympy.Expr | sympy.MatrixBase,
                      symbols: Mapping[str, sympy.Symbol] | Iterable[sympy.Symbol], what: str, *,
                      timeout: float, approximate: _Score | None = None) -> None:
    """Fail the check unless `value` (a `StudentExpr`; an int, float or 0-d real array counts as a
    constant expression) equals `expected` for all values of `symbols`, the symbols the student's
    function received.

    A matrix `expected` needs a matrix of its shape (a vector answer is a column), compared entry
    by entry; the first entry that differs fails the check. `approximate`: the `score` fixture of
    a `@partial_credit` check; an answer that only approximates the exact value (floats that agree
    to 1e-3 relative, -1.386 for -log 4) then keeps APPROXIMATE_CREDIT of the points and fails
    with a message saying so; without it an approximation fails like any other difference.

    Messages are shown for hidden checks too, so they hold no text the student chose (symbol names,
    type names sent by the worker) and no values: those go to the detail.
    """
    table = dict(symbols) if isinstance(symbols, Mapping) else {s.name: s for s in symbols}
    student = _student_expression(value, expected, what, table)
    if isinstance(expected, sympy.MatrixBase):
        pairs = [(f"{what}[{i}, {j}]", student[i, j], expected[i, j])
                 for i in range(expected.rows) for j in range(expected.cols)]
    else:
        pairs = [(what, student, expected)]
    approximations = []
    for name, got, want in pairs:
        verdict = equivalent(got, want, timeout=timeout)
        if verdict.equal is False and verdict.approximate and approximate is not None:
            approximations.append(verdict)
            continue
        if verdict.equal is False:
            where = f" (entry {name[len(what):]})" if name != what else ""
            raise CheckFailed(f"{what} is not equivalent to the expected expression{where}",
                              detail=verdict.reason)
        if verdict.equal is None:
            raise CheckFailed(f"{name}: {verdict.reason}")
    if approximations and approximate is not None:
        approximate.set(APPROXIMATE_CREDIT)
        raise CheckFailed(f"{what} only approximates the exact answer (half of this check's points): "
                          "write it exactly, e.g. sympy.log(4) or sympy.Rational(1, 3), not a decimal",
                          detail=approximations[0].reason)


def _student_expression(value: Any, expected: sympy.Expr | sympy.MatrixBase, what: str,
                        table: Mapping[str, sympy.Symbol]) -> sympy.Expr | sympy.ImmutableMatrix:
    """The student's answer rebuilt with the grader's symbols, of the kind and shape expected."""
    from autograder.boundary.wire import Opaque
    from autograder.checks import opaque_detail, type_name

    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf":
        value = value.item()  # a NumPy scalar crosses the wire as a 0-d array
    if isinstance(value, Opaque):
        raise CheckFailed(f"{what} must return a sympy expression the grader can read",
                          detail=opaque_detail(value))
    matrix = isinstance(expected, sympy.MatrixBase)
    if matrix:
        shape = (expected.rows, expected.cols)
        kind = "column vector" if shape[1] == 1 else "matrix"
        if not isinstance(value, StudentExpr) or value.shape is None:
            got = "a scalar expression" if isinstance(value, StudentExpr) else type_name(value)
            raise CheckFailed(f"{what} must return a sympy Matrix (a {kind}), got {got}",
                              detail=f"expected shape {shape}")
        if value.shape != shape:  # the shapes follow the inputs: detail, which hidden checks drop
            raise CheckFailed(f"{what} returned a sympy Matrix of the wrong shape (a {kind} was expected)",
                              detail=f"expected shape {shape}, got shape {value.shape}")
    elif not (type(value) in (int, float) or isinstance(value, StudentExpr)) or (
            isinstance(value, StudentExpr) and value.shape is not None):
        got = "a Matrix" if isinstance(value, StudentExpr) else type_name(value)
        raise CheckFailed(f"{what} must return a sympy expression, got {got}")
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
    return student
