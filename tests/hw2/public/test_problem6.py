"""Public checks for Problem 6: the linear RNN z^{t+1} = w_z z^t, loss l(z^T).

Expected values come from properties recomputed here, never from a reference solution:

- 6.a rnn_weight_gradient: torch autograd through the unrolled recurrence in float64, entry (i, j)
  being dl/d(w_z)_ij (PyTorch's .grad layout); w_z is not symmetric, so a transposed answer fails.
  Tolerance: 1e-5 relative, plus 1e-5 of the largest entry.
- 6.a hidden_state_regime: matrices with exactly representable entries whose answer follows from
  their structure (stated next to each case); the string is compared case-insensitively after
  stripping spaces.
- 6.a scalar_rnn_gradient: sympy equivalence with the chain rule applied to the definition,
  g * d(w^(T-1) z1)/dw differentiated by sympy (the closed form is the student's to derive, so it
  is written nowhere in the checks), for a symbolic positive integer T and for T = 2.
- 6.c clip_gradient_norm: rescaled to norm max_norm when the norm is larger, unchanged otherwise,
  zero stays zero; relative tolerance 1e-5 (torch.nn.utils.clip_grad_norm_'s 1e-6 passes); the
  argument must not be modified in place.

No case pays for an answer a stub gives: where the right answer is zero (T = 1), the input itself
(a gradient that is not clipped) or one fixed regime, the same case also asks a companion input on
which that answer is wrong (T = 2 on the same inputs; the same gradient scaled to twice max_norm;
a plain matrix of another regime), and earns its points only when both are right.

Points: 6.a here: rnn_weight_gradient 1, hidden_state_regime 1, scalar_rnn_gradient 0.5; hidden:
1, 1, 0.5 on new inputs (the cases of a check share its points evenly). 6.c: 1.5 here, 1.5 hidden.
The helpers below are shared with the hidden checks.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy
import torch

from autograder import equivalence
from tests.hw2.settings import SETTINGS
from autograder.checks import (CheckFailed, as_array, as_str,
                               assert_close_to_scale, assert_no_mutations, show)
from autograder.decorators import number, weight

RTOL = 1e-5
SYMBOLIC_TIMEOUT_S = SETTINGS.limits.symbolic_timeout_s  # assignment.toml [limits]
REGIMES = ("vanishing", "exploding", "bounded")


# ------------------------------------------------------------------------- 6.a: gradient
def autograd_weight_gradient(w_z: torch.Tensor, z1: torch.Tensor, T: int,
                             grad_zT: torch.Tensor) -> np.ndarray:
    """dl/dw_z by autograd through z^T = w_z^(T-1) z1 in float64, with l(z) = grad_zT . z."""
    weight_matrix = w_z.detach().to(torch.float64).clone().requires_grad_(True)
    state = z1.to(torch.float64)
    for _ in range(T - 1):
        state = weight_matrix @ state
    if not state.requires_grad:  # T = 1: z^T = z^1 does not depend on w_z
        return np.zeros(tuple(w_z.shape))
    (gradient,) = torch.autograd.grad(torch.dot(grad_zT.to(torch.float64), state), weight_matrix)
    return gradient.numpy()


def check_rnn_weight_gradient(student: Any, w_z: torch.Tensor, z1: torch.Tensor, T: int,
                              grad_zT: torch.Tensor) -> None:
    """rnn_weight_gradient equals autograd's dl/dw_z, in the layout of PyTorch's .grad. Where that
    is zero (T = 1), T = 2 on the same inputs must be right too, so that zeros earn nothing."""
    check_one_weight_gradient(student, w_z, z1, T, grad_zT)
    if not np.any(autograd_weight_gradient(w_z, z1, T, grad_zT)):
        if not np.any(autograd_weight_gradient(w_z, z1, 2, grad_zT)):
            raise RuntimeError("grader bug: the T = 2 companion of a zero gradient is zero too")
        check_one_weight_gradient(student, w_z, z1, 2, grad_zT)


def check_one_weight_gradient(student: Any, w_z: torch.Tensor, z1: torch.Tensor, T: int,
                              grad_zT: torch.Tensor) -> None:
    what = "rnn_weight_gradient(w_z, z1, T, grad_zT)"
    outcome = student.call("problem6", "rnn_weight_gradient", w_z, z1, T, grad_zT)
    got = as_array(outcome.value, what, shape=tuple(w_z.shape))
    expected = autograd_weight_gradient(w_z, z1, T, grad_zT)
    inputs = (f"w_z ({w_z.dtype}) =\n{show(w_z)}\nz1 = {show(z1)}\nT = {T}\n"
              f"grad_zT = {show(grad_zT)}\nexpected (autograd) =\n{show(expected)}\n"
              f"got =\n{show(got)}")
    assert_close_to_scale(got, expected, f"{what} (entry (i, j) must be dl/d(w_z)_ij, as in autograd's "
                    ".grad)", rtol=RTOL, inputs=inputs)
    assert_no_mutations(outcome, what)


PUBLIC_W = torch.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=torch.float64)
PUBLIC_Z1 = torch.tensor([1.0, 2.0], dtype=torch.float64)
PUBLIC_GRAD = torch.tensor([3.0, -1.0], dtype=torch.float64)


@number("6.a")
@weight(1)
@pytest.mark.parametrize("T", [1, 2, 4])
def test_rnn_weight_gradient(student, T):
    """rnn_weight_gradient matches autograd for T = 1 (zeros), T = 2 (grad_zT z1^T) and T = 4."""
    check_rnn_weight_gradient(student, PUBLIC_W, PUBLIC_Z1, T, PUBLIC_GRAD)


# ---------------------------------------------------------------------- 6.a: the regime
def check_regime(student: Any, w_z: torch.Tensor, z1: torch.Tensor, expected: str) -> None:
    """hidden_state_regime(w_z, z1) names the limit of ||w_z^t z1|| (case and spaces ignored), and
    so does it for a plain case of another regime (REGIME_CONTRASTS): no fixed answer earns a case."""
    check_one_regime(student, w_z, z1, expected)
    check_one_regime(student, *REGIME_CONTRASTS[expected])


def check_one_regime(student: Any, w_z: torch.Tensor, z1: torch.Tensor, expected: str) -> None:
    what = "hidden_state_regime(w_z, z1)"
    outcome = student.call("problem6", "hidden_state_regime", w_z, z1)
    answer = as_str(outcome.value, what).strip().lower()
    inputs = f"w_z ({w_z.dtype}) =\n{show(w_z)}\nz1 = {show(z1)}"
    if answer not in REGIMES:
        raise CheckFailed(f'{what} must return "vanishing", "exploding" or "bounded"',
                          detail=f"{inputs}\ngot {outcome.value[:100]!r}")
    if answer != expected:
        raise CheckFailed(f"{what} names the wrong regime (it depends on the eigenvalues of w_z, "
                          "on their Jordan blocks, and on which of their eigenspaces z1 reaches)",
                          detail=f"{inputs}\nexpected {expected!r}, got {answer!r}")
    assert_no_mutations(outcome, what)


def exact(rows: Any) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.float64)


# For a case of each regime, a plain case of another one, asked in the same check.
REGIME_CONTRASTS = {
    # z^T = 1.25^(T-1) z1 (a slow growth: finite for thousands of steps)
    "vanishing": (exact([[1.25, 0.0], [0.0, 1.25]]), exact([1.0, 1.0]), "exploding"),
    # z^T = z1
    "exploding": (exact([[1.0, 0.0], [0.0, 1.0]]), exact([1.0, -2.0]), "bounded"),
    # z^T = 0.5^(T-1) z1
    "bounded": (exact([[0.5, 0.0], [0.0, 0.5]]), exact([1.0, 1.0]), "vanishing"),
}

REGIME_CASES = {
    # diagonal, both eigenvalues below 1 in modulus: every z^T -> 0
    "diag(0.5, -0.25)": (exact([[0.5, 0.0], [0.0, -0.25]]), exact([1.0, 1.0]), "vanishing"),
    # z^T = (1.5^(T-1), 0.5^(T-1)): the first coordinate grows
    "diag(1.5, 0.5)": (exact([[1.5, 0.0], [0.0, 0.5]]), exact([1.0, 1.0]), "exploding"),
    # the identity keeps every z^T = z1
    "identity": (exact([[1.0, 0.0], [0.0, 1.0]]), exact([1.0, -2.0]), "bounded"),
    # z1 lies in the eigenspace of 0.5: the eigenvalue 2 is never reached
    "diag(2, 0.5), z1 = e2": (exact([[2.0, 0.0], [0.0, 0.5]]), exact([0.0, 1.0]), "vanishing"),
    # Jordan block: w_z^(T-1) (0, 1) = (T-1, 1) grows linearly
    "Jordan block, z1 = e2": (exact([[1.0, 1.0], [0.0, 1.0]]), exact([0.0, 1.0]), "exploding"),
}


@number("6.a")
@weight(1)
@pytest.mark.parametrize("case", REGIME_CASES)
def test_hidden_state_regime(student, case):
    """hidden_state_regime names the limit of ||z^T|| on small 2 x 2 examples."""
    w_z, z1, expected = REGIME_CASES[case]
    check_regime(student, w_z, z1, expected)


# --------------------------------------------------------------- 6.a: the scalar gradient
def check_scalar_gradient(student: Any, names: tuple[str, str, str, str], T: int | None) -> None:
    """scalar_rnn_gradient(w, z1, T, g) is equivalent to g * d(z^T)/dw with z^T = w^(T-1) z1.

    `names` name the symbols (w, z1, T, g); T None sends T as a positive integer symbol. Where the
    answer is 0 (T = 1), T = 2 must be right too, so that returning 0 earns nothing.
    """
    check_one_scalar_gradient(student, names, T)
    if T == 1:
        check_one_scalar_gradient(student, names, 2)


def check_one_scalar_gradient(student: Any, names: tuple[str, str, str, str], T: int | None) -> None:
    w, z1, g = (sympy.Symbol(name, real=True) for name in (names[0], names[1], names[3]))
    steps = sympy.Symbol(names[2], positive=True, integer=True) if T is None else T
    expected = g * sympy.diff(w ** (steps - 1) * z1, w)  # the chain rule, by sympy
    value = student.problem6.scalar_rnn_gradient(w, z1, steps, g)
    free = [w, z1, g] + ([steps] if T is None else [])
    equivalence.assert_equivalent(value, expected, free, "scalar_rnn_gradient(w, z1, T, g)",
                               timeout=SYMBOLIC_TIMEOUT_S)


@number("6.a")
@weight(0.5)
@pytest.mark.parametrize("T", [None, 2], ids=["T symbolic", "T = 2"])
def test_scalar_rnn_gradient(student, T):
    """scalar_rnn_gradient(w, z1, T, g) is dl/dw for z^T = w^(T-1) z1, for symbolic T and T = 2."""
    check_scalar_gradient(student, ("w", "z1", "T", "g"), T)


# ------------------------------------------------------------------------------ 6.c
def check_clip(student: Any, grad: torch.Tensor, max_norm: float) -> None:
    """clip_gradient_norm rescales to norm max_norm when ||grad|| > max_norm, else keeps grad.

    Where grad must come back unchanged, the same gradient scaled to norm 2 max_norm (a zero one:
    a constant one of that norm) must come back rescaled, so that returning the input earns nothing.
    """
    norm = float(torch.linalg.vector_norm(grad.to(torch.float64)))
    check_one_clip(student, grad, max_norm)
    if not norm > max_norm:
        direction = grad / norm if norm > 0 else torch.ones_like(grad) / grad.numel() ** 0.5
        check_one_clip(student, direction * (2 * max_norm), max_norm)


def check_one_clip(student: Any, grad: torch.Tensor, max_norm: float) -> None:
    what = "clip_gradient_norm(grad, max_norm)"
    outcome = student.call("problem6", "clip_gradient_norm", grad, max_norm)
    got = as_array(outcome.value, what, shape=tuple(grad.shape))
    grad64 = grad.to(torch.float64).numpy()
    norm = float(np.sqrt(np.sum(grad64 * grad64)))
    clipped = norm > max_norm
    expected = grad64 * (max_norm / norm) if clipped else grad64
    rule = ("rescaled to norm max_norm (Frobenius norm for a matrix), same direction" if clipped
            else "unchanged, since ||grad|| <= max_norm")
    inputs = (f"grad ({grad.dtype}, norm {norm:.8g}) =\n{show(grad64)}\nmax_norm = {max_norm!r}\n"
              f"got =\n{show(got)}")
    assert_close_to_scale(got, expected, f"{what} (expected grad {rule})", rtol=RTOL, inputs=inputs)
    assert_no_mutations(outcome, what)


CLIP_CASES = {
    "rescaled": (torch.tensor([3.0, 4.0], dtype=torch.float64), 1.0),
    "unchanged": (torch.tensor([0.3, -0.4], dtype=torch.float64), 1.0),
    "zero gradient": (torch.zeros(3, dtype=torch.float64), 1.0),
}


@number("6.c")
@weight(1.5)
@pytest.mark.parametrize("case", CLIP_CASES)
def test_clip_gradient_norm(student, case):
    """clip_gradient_norm: [3, 4] -> [0.6, 0.8] at max_norm 1; smaller ones and zero unchanged."""
    grad, max_norm = CLIP_CASES[case]
    check_clip(student, grad, max_norm)
