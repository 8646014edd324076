"""Decorators that mark a pytest function as a graded check, in gradescope-utils' one format.

A check's metadata is the plain attributes that gradescope-utils' decorators
(`gradescope_utils.autograder_utils.decorators`) set on a function: `__weight__`, `__number__`,
`__visibility__`, `__tags__`, `__hide_errors__`, `__leaderboard_column__`,
`__leaderboard_sort_order__`, plus `__partial_credit__` of our own (gradescope-utils has no such
flag). Ours set exactly those attributes (through gradescope-utils' own decorators where these do
not wrap the function), so a check may use either set, or both. Ours refuse a bad value where it
is written and return the same function, so they stack in any order with each other and with
`pytest.mark`; gradescope-utils' accept anything, so `metadata_of` checks every value again.

Gradescope-utils' `partial_credit(w)` and `leaderboard(name)` wrap the function to pass it
`set_score(points)` / `set_leaderboard_value(x)`, which store the value on the wrapper; the plugin
clears and reads those values around each call (`clear_reported`, `reported`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterator, TypeVar, overload

from gradescope_utils.autograder_utils import decorators as _gs

from autograder.assignment import VISIBILITIES

F = TypeVar("F", bound=Callable[..., Any])

LEADERBOARD_ORDERS = ("asc", "desc")
DEFAULT_HIDE_ERRORS_MESSAGE = "Test failed"
PARTIAL_CREDIT_ATTRIBUTE = "__partial_credit__"
_SCORE, _LEADERBOARD_VALUE = "__score__", "__leaderboard_value__"  # set by gradescope-utils' wrappers
# Every wrapper gradescope-utils' partial_credit makes shares one code object: it identifies them.
_GS_PARTIAL_CREDIT_CODE = _gs.partial_credit(0)(lambda: None).__code__


class MetadataError(ValueError):
    """A check's metadata holds values Gradescope would not accept (one line per problem)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Metadata:
    """What the decorators said about one test function (None: the decorator was not used)."""

    number: str | None = None
    weight: float | None = None
    visibility: str | None = None
    partial_credit: bool = False
    hide_errors: str | None = None
    leaderboard: str | None = None
    leaderboard_order: str = "desc"
    tags: tuple[str, ...] = ()


# ----------------------------------------------------------------------------- validation
def _check_weight(points: Any) -> float:
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not math.isfinite(points):
        raise TypeError(f"weight must be a finite number of points, not {points!r}")
    if points < 0:
        raise ValueError(f"weight must not be negative, got {points}")
    return points


def _check_label(label: Any) -> str:
    if not isinstance(label, str) or not label.strip():
        raise TypeError(f"number must be a non-empty part label such as 'Q2.1', not {label!r}")
    return label.strip()


def _check_visibility(value: Any) -> str:
    if value not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {value!r}")
    return value


def _check_message(message: Any) -> str:
    if not isinstance(message, str) or not message.strip():
        raise TypeError(f"hide_errors needs a non-empty message, not {message!r}")
    return message


def _check_column(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"leaderboard needs a non-empty column name, not {name!r}")
    return name


def _check_order(order: Any) -> str:
    if order not in LEADERBOARD_ORDERS:
        raise ValueError(f"leaderboard order must be 'asc' or 'desc', not {order!r}")
    return order


def _check_tags(tags: Any) -> tuple[str, ...]:
    if not isinstance(tags, (tuple, list)) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise TypeError(f"tags must be non-empty strings, not {tags!r}")
    return tuple(tags)


def _check_flag(flag: Any) -> bool:
    if not isinstance(flag, bool):
        raise TypeError(f"{PARTIAL_CREDIT_ATTRIBUTE} must be True or False, not {flag!r}")
    return flag


def _attributes(**values: Any) -> Callable[[F], F]:
    def attach(func: F) -> F:
        for name, value in values.items():
            setattr(func, name, value)
        return func
    return attach


def _applying(decorate: Callable[[F], F]) -> Callable[[F], F]:
    """`decorate`, refusing anything but a function (gradescope-utils' decorators do not)."""
    def apply(func: F) -> F:
        if not callable(func):
            raise TypeError(f"a grading decorator was applied to {func!r}, which is not a function")
        return decorate(func)
    return apply


# ----------------------------------------------------------------------------- decorators
def weight(points: float) -> Callable[[F], F]:
    """Points for the test function; the cases of a parametrized function split them evenly."""
    return _applying(_gs.weight(_check_weight(points)))


def number(label: str) -> Callable[[F], F]:
    """The part label (Gradescope's question number, "Q2.1") of the test; required on every check."""
    return _applying(_gs.number(_check_label(label)))


def visibility(value: str) -> Callable[[F], F]:
    """Gradescope visibility of the test, overriding the default of its group (public/hidden)."""
    return _applying(_gs.visibility(_check_visibility(value)))


def tags(*names: str) -> Callable[[F], F]:
    """Gradescope tags of the test (concepts it covers), passed on to results.json."""
    return _applying(_gs.tags(*_check_tags(names)))


@overload
def partial_credit(func_or_weight: F) -> F: ...
@overload
def partial_credit(func_or_weight: float) -> Callable[[F], F]: ...


def partial_credit(func_or_weight: Any) -> Any:
    """Allow the test to earn a fraction via `score.set(fraction)`.

    Usable bare (`@partial_credit`) or, like gradescope-utils, with the test's weight
    (`@partial_credit(2)`, which also sets the weight). Unlike gradescope-utils' it does not wrap
    the function: the fraction goes through the `score` fixture, not a `set_score` argument.
    """
    if callable(func_or_weight):
        return _applying(_attributes(**{PARTIAL_CREDIT_ATTRIBUTE: True}))(func_or_weight)
    return _applying(_attributes(**{PARTIAL_CREDIT_ATTRIBUTE: True,
                                    "__weight__": _check_weight(func_or_weight)}))


def hide_errors(message: str = DEFAULT_HIDE_ERRORS_MESSAGE) -> Callable[[F], F]:
    """On failure show only `message`, never the check's own message or detail."""
    if callable(message):  # used bare: @hide_errors
        return _applying(_gs.hide_errors(DEFAULT_HIDE_ERRORS_MESSAGE))(message)
    return _applying(_gs.hide_errors(_check_message(message)))


def leaderboard(name: str, order: str = "desc") -> Callable[[F], F]:
    """The test reports a leaderboard column `name` through `leaderboard_value.set(x)`."""
    # The same attributes as gradescope-utils' leaderboard, without its wrapper: the value comes
    # through the `leaderboard_value` fixture.
    return _applying(_attributes(__leaderboard_column__=_check_column(name),
                                 __leaderboard_sort_order__=_check_order(order)))


# ----------------------------------------------------------------------------- reading back
def _layers(func: Callable[..., Any]) -> Iterator[Any]:
    """`func` and the functions it wraps (gradescope-utils' wrappers keep them in `__wrapped__`)."""
    seen: set[int] = set()
    while func is not None and id(func) not in seen:
        seen.add(id(func))
        yield func
        func = getattr(func, "__dict__", {}).get("__wrapped__")


def metadata_of(func: Callable[..., Any]) -> Metadata:
    """The metadata on `func` (all defaults when none); `MetadataError` names every bad value."""
    problems: list[str] = []

    def read(attribute: str, check: Callable[[Any], Any]) -> Any:
        value = getattr(func, attribute, None)
        if value is None:
            return None
        try:
            return check(value)
        except (TypeError, ValueError) as error:
            problems.append(str(error))
            return None

    column = read("__leaderboard_column__", _check_column)
    order = read("__leaderboard_sort_order__", _check_order) if column else None
    partial = read(PARTIAL_CREDIT_ATTRIBUTE, _check_flag) or any(
        getattr(layer, "__code__", None) is _GS_PARTIAL_CREDIT_CODE for layer in _layers(func))
    meta = Metadata(number=read("__number__", _check_label), weight=read("__weight__", _check_weight),
                    visibility=read("__visibility__", _check_visibility), partial_credit=partial,
                    hide_errors=read("__hide_errors__", _check_message), leaderboard=column,
                    leaderboard_order=order or "desc", tags=read("__tags__", _check_tags) or ())
    if problems:
        raise MetadataError(problems)
    return meta


def clear_reported(func: Callable[..., Any]) -> None:
    """Forget what a previous call passed to gradescope-utils' `set_score`/`set_leaderboard_value`
    (they store it on the shared function, so each parametrized case must start clean)."""
    for layer in _layers(func):
        getattr(layer, "__dict__", {}).pop(_SCORE, None)
        getattr(layer, "__dict__", {}).pop(_LEADERBOARD_VALUE, None)


def reported(func: Callable[..., Any]) -> tuple[Any, Any]:
    """(points passed to `set_score`, value passed to `set_leaderboard_value`); None when not called."""
    found = {_SCORE: None, _LEADERBOARD_VALUE: None}
    for layer in _layers(func):
        for name in found:
            if found[name] is None:
                found[name] = getattr(layer, "__dict__", {}).get(name)
    return found[_SCORE], found[_LEADERBOARD_VALUE]
