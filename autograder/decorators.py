"""Decorators that mark a pytest function as a graded check (in the style of gradescope-utils).

They only attach metadata: each stores its value in one dict attribute of the function and returns
the same function, so they stack in any order with each other and with `pytest.mark`. The plugin
reads the metadata back with `metadata_of`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, TypeVar, overload

from autograder.assignment import VISIBILITIES

F = TypeVar("F", bound=Callable[..., Any])

METADATA_ATTRIBUTE = "__autograder_metadata__"
LEADERBOARD_ORDERS = ("asc", "desc")
DEFAULT_HIDE_ERRORS_MESSAGE = "Test failed"


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


def _attach(func: F, **values: Any) -> F:
    if not callable(func):
        raise TypeError(f"a grading decorator was applied to {func!r}, which is not a function")
    func.__dict__.setdefault(METADATA_ATTRIBUTE, {}).update(values)
    return func


def _check_weight(points: Any) -> float:
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not math.isfinite(points):
        raise TypeError(f"weight must be a finite number of points, not {points!r}")
    if points < 0:
        raise ValueError(f"weight must not be negative, got {points}")
    return points


def weight(points: float) -> Callable[[F], F]:
    """Points for the test function; the cases of a parametrized function split them evenly."""
    checked = _check_weight(points)
    return lambda func: _attach(func, weight=checked)


def number(label: str) -> Callable[[F], F]:
    """The part label (Gradescope's question number, "Q2.1") the test belongs to; required on every graded test."""
    if not isinstance(label, str) or not label.strip():
        raise TypeError(f"number must be a non-empty part label such as 'Q2.1', not {label!r}")
    return lambda func: _attach(func, number=label.strip())


def visibility(value: str) -> Callable[[F], F]:
    """Gradescope visibility of the test, overriding the default of its group (public/hidden)."""
    if value not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {value!r}")
    return lambda func: _attach(func, visibility=value)


@overload
def partial_credit(func_or_weight: F) -> F: ...
@overload
def partial_credit(func_or_weight: float) -> Callable[[F], F]: ...


def partial_credit(func_or_weight: Any) -> Any:
    """Allow the test to earn a fraction via `score.set(fraction)`.

    Usable bare (`@partial_credit`) or, like gradescope-utils, with the test's weight
    (`@partial_credit(2)`, which also sets the weight).
    """
    if callable(func_or_weight):
        return _attach(func_or_weight, partial_credit=True)
    checked = _check_weight(func_or_weight)
    return lambda func: _attach(func, partial_credit=True, weight=checked)


def hide_errors(message: str = DEFAULT_HIDE_ERRORS_MESSAGE) -> Callable[[F], F]:
    """On failure show only `message`, never the check's own message or detail."""
    if callable(message):  # used bare: @hide_errors
        return _attach(message, hide_errors=DEFAULT_HIDE_ERRORS_MESSAGE)
    if not isinstance(message, str) or not message.strip():
        raise TypeError(f"hide_errors needs a non-empty message, not {message!r}")
    return lambda func: _attach(func, hide_errors=message)


def leaderboard(name: str, order: str = "desc") -> Callable[[F], F]:
    """The test reports a leaderboard column `name` through `leaderboard_value.set(x)`."""
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"leaderboard needs a non-empty column name, not {name!r}")
    if order not in LEADERBOARD_ORDERS:
        raise ValueError(f"leaderboard order must be 'asc' or 'desc', not {order!r}")
    return lambda func: _attach(func, leaderboard=name, leaderboard_order=order)


def metadata_of(func: Callable[..., Any]) -> Metadata:
    """The metadata the decorators attached to `func` (all defaults when none was)."""
    raw = getattr(func, METADATA_ATTRIBUTE, None)
    if not isinstance(raw, dict):
        return Metadata()
    return Metadata(**raw)
