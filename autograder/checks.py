"""Checks on values that came back from student code, in the order type → shape → dtype →
finiteness → values.

Every helper raises `CheckFailed` with a `message` that names the property (shown for every check,
hidden ones included, so it must never contain a hidden input or expected value) and a `detail`
with values and the smallest example (shown for public checks only). Messages never quote a value
the student chose (a number, a shape, a length): in a hidden check a submission could otherwise
smuggle a hidden input out through them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from autograder.errors import CheckFailed, DataUnavailable  # noqa: F401  (re-exported for checks)

if TYPE_CHECKING:
    from autograder.boundary.student import Outcome


def type_name(value: Any) -> str:
    """How a returned value is described in a message.

    An `Opaque` value's type name was written by the worker, so student code chose it (a class
    can be named after a hidden input): messages only say "an unsupported object"; `opaque_detail`
    gives the name for the detail, which hidden checks drop.
    """
    from autograder.boundary.wire import Opaque

    if isinstance(value, Opaque):
        return "an object of a type that cannot be graded"
    if isinstance(value, torch.Tensor):
        return f"torch.Tensor of dtype {value.dtype}"
    if isinstance(value, np.ndarray):
        return f"numpy.ndarray of dtype {value.dtype}"
    return type(value).__name__


def opaque_detail(value: Any) -> str | None:
    """The worker's description of an unsupported returned object, for a check's detail."""
    from autograder.boundary.wire import Opaque

    return f"returned type: {value.type_name}" if isinstance(value, Opaque) else None


def as_array(value: Any, what: str, *, shape: tuple[int, ...] | None = None,
             ndim: int | None = None, allow_nonfinite: bool = False) -> np.ndarray:
    """A real tensor or array as float64 NumPy, after checking its shape and that it is finite."""
    if isinstance(value, torch.Tensor):
        if value.is_complex():
            raise CheckFailed(f"{what} must be real, got a complex tensor")
        if value.dtype == torch.bool:
            raise CheckFailed(f"{what} must hold numbers, got a bool tensor")
        array = value.detach().to(torch.float64).numpy()
    elif isinstance(value, np.ndarray):
        if not (np.issubdtype(value.dtype, np.floating) or np.issubdtype(value.dtype, np.integer)):
            raise CheckFailed(f"{what} must hold real numbers, got an array of dtype {value.dtype}")
        array = value.astype(np.float64)
    else:
        raise CheckFailed(f"{what} must be a tensor (or NumPy array), got {type_name(value)}",
                          detail=opaque_detail(value))
    if shape is not None and tuple(array.shape) != tuple(shape):
        raise CheckFailed(f"{what} has the wrong shape",
                          detail=f"expected shape {tuple(shape)}, got {tuple(array.shape)}")
    if ndim is not None and array.ndim != ndim:
        raise CheckFailed(f"{what} must have {ndim} dimension(s)", detail=f"got shape {tuple(array.shape)}")
    if not allow_nonfinite and not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise CheckFailed(f"{what} contains NaN or infinite values", detail=f"{bad} non-finite entries")
    return array


def as_real(value: Any, what: str) -> float:
    """A finite real number: int, float, or a one-element tensor/array (bools are not numbers)."""
    if isinstance(value, bool):
        raise CheckFailed(f"{what} must be a number, got a bool")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, torch.Tensor) and value.numel() == 1 \
            or isinstance(value, np.ndarray) and value.size == 1:
        number = float(as_array(value, what, allow_nonfinite=True).reshape(()))
    else:
        raise CheckFailed(f"{what} must be a number, got {type_name(value)}",
                          detail=opaque_detail(value))
    if not np.isfinite(number):
        raise CheckFailed(f"{what} must be finite", detail=f"got {number}")
    return number


def as_int(value: Any, what: str) -> int:
    """An integer: int, or an integer-valued one-element tensor/array."""
    if isinstance(value, bool):
        raise CheckFailed(f"{what} must be an integer, got a bool")
    if isinstance(value, int):
        return value
    number = as_real(value, what)
    if not float(number).is_integer():
        raise CheckFailed(f"{what} must be an integer", detail=f"got {number}")
    return int(number)


def as_str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise CheckFailed(f"{what} must be a str, got {type_name(value)}", detail=opaque_detail(value))
    return value


def as_tuple(value: Any, what: str, length: int) -> tuple[Any, ...]:
    """A tuple or list of exactly `length` items."""
    if not isinstance(value, (tuple, list)):
        raise CheckFailed(f"{what} must be a tuple of {length} items, got {type_name(value)}",
                          detail=opaque_detail(value))
    if len(value) != length:
        raise CheckFailed(f"{what} must have {length} items", detail=f"got {len(value)}")
    return tuple(value)


def assert_allclose(actual: np.ndarray, expected: np.ndarray, what: str, *,
                    rtol: float, atol: float = 0.0) -> None:
    """Entrywise |actual - expected| <= atol + rtol·|expected|; the detail shows the worst entry."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        raise CheckFailed(f"{what} has the wrong shape",
                          detail=f"expected shape {expected.shape}, got {actual.shape}")
    excess = np.abs(actual - expected) - (atol + rtol * np.abs(expected))
    if excess.size and np.max(excess) > 0:
        worst = np.unravel_index(int(np.argmax(excess)), excess.shape)
        where = f" at index {tuple(int(i) for i in worst)}" if actual.ndim else ""
        raise CheckFailed(f"{what} has wrong values",
                          detail=f"{int(np.sum(excess > 0))} of {excess.size} entries differ; "
                                 f"worst{where}: expected {expected[worst]:.8g}, got {actual[worst]:.8g}")


def show(array: Any) -> str:
    """A compact printout of an array for a check's detail."""
    return np.array2string(np.asarray(array, dtype=np.float64), precision=8, max_line_width=100,
                           threshold=40)


def assert_close_to_scale(actual: np.ndarray, expected: np.ndarray, what: str, *, rtol: float,
                          inputs: str = "") -> None:
    """Entrywise agreement within `rtol`, plus `rtol` of the largest entry for entries near zero.

    `inputs` (a description of the arguments, for public checks) heads the detail.
    """
    scale = float(np.max(np.abs(expected))) if np.size(expected) else 0.0
    try:
        assert_allclose(actual, expected, what, rtol=rtol, atol=rtol * scale + 1e-12)
    except CheckFailed as failure:
        detail = f"{inputs}\n{failure.detail}" if inputs else failure.detail
        raise CheckFailed(failure.message, detail=detail) from None


def assert_no_mutations(outcome: "Outcome", what: str, *, allow_training_change: bool = False) -> None:
    """The call changed nothing the contract forbids: inputs, parameters, buffers, training flags."""
    changes = outcome.mutations.describe(allow_training_change=allow_training_change)
    if changes:
        raise CheckFailed(f"{what} changed its inputs (the contract forbids it)",
                          detail="; ".join(changes))
