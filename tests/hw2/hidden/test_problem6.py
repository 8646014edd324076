"""Hidden checks for Problem 6 on inputs the student has never seen.

The properties are the public ones (tests/public/test_problem6.py), on new inputs:

- 6.a rnn_weight_gradient (1 point, split evenly): larger random non-symmetric w_z and longer
  sequences, float32, p = 1, and T = 1 for a 3 x 3 matrix.
- 6.a hidden_state_regime (1 point, split evenly): cases where ||w_z||_2 or the spectral radius
  alone decides wrongly (non-normal matrices, z1 avoiding an eigenvalue), Jordan blocks (growth
  like T), rotations and reflections (bounded), z1 = 0, 3 x 3 and 4 x 4 matrices, float32.
  Each expected answer is proved next to its case.
- 6.a scalar_rnn_gradient (0.5): symbols of other names (an answer built from symbols of its own
  fails), and T = 1 (zero), 3 and 6 as plain integers.
- 6.c clip_gradient_norm (1.5): Frobenius norm of a matrix, float32, a norm exactly at max_norm,
  a zero matrix, a large norm; every call must leave its argument unchanged.

As in the public checks, a case whose answer is zero, the input itself or one fixed regime also
asks its companion (T = 2; the gradient scaled to twice max_norm; a plain case of another regime).
"""
from __future__ import annotations

import pytest
import torch

from autograder.decorators import number, weight
from tests.hw2.public.test_problem6 import (check_clip, check_regime, check_rnn_weight_gradient,
                                        check_scalar_gradient, exact)


def seeded(shape: tuple[int, ...], seed: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=torch.float64).to(dtype)


# (p, T, seed, dtype): w_z has entries of size ~0.5 so that z^T stays of moderate size
GRADIENT_CASES = {
    "p=4, T=6": (4, 6, 1, torch.float64),
    "p=3, T=5, float32": (3, 5, 2, torch.float32),
    "p=1, T=7": (1, 7, 3, torch.float64),
    "p=5, T=3": (5, 3, 4, torch.float64),
    "p=3, T=1": (3, 1, 5, torch.float64),
}


@number("6.a")
@weight(1)
@pytest.mark.parametrize("case", GRADIENT_CASES)
def test_rnn_weight_gradient_hidden(student, case):
    """rnn_weight_gradient equals dl/dw_z by back-propagation through time (autograd's layout)."""
    p, T, seed, dtype = GRADIENT_CASES[case]
    w_z = 0.5 * seeded((p, p), seed, dtype)
    check_rnn_weight_gradient(student, w_z, seeded((p,), seed + 100, dtype), T,
                              seeded((p,), seed + 200, dtype))


ROTATION = [[0.0, -1.0], [1.0, 0.0]]
# [[R, I], [0, R]] with R the rotation by 90 degrees: eigenvalues +-i, each in a 2 x 2 Jordan block;
# w^t = [[R^t, t R^(t-1)], [0, R^t]].
ROTATION_JORDAN = [[0.0, -1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0],
                   [0.0, 0.0, 0.0, -1.0], [0.0, 0.0, 1.0, 0.0]]
# Upper triangular, eigenvalues 0.25, 1.5, -0.5, 0.75. Row 2 is zero but for its diagonal, so the
# second coordinate of w^t z1 is 1.5^t z1_2: it stays 0 when z1_2 = 0, and coordinates 1, 3, 4 then
# evolve by the triangular [[0.25, 0, 2], [0, -0.5, 1], [0, 0, 0.75]], whose eigenvalues are < 1.
TRIANGULAR = [[0.25, 1.0, 0.0, 2.0], [0.0, 1.5, 0.0, 0.0],
              [0.0, 0.0, -0.5, 1.0], [0.0, 0.0, 0.0, 0.75]]

REGIME_CASES = {
    # triangular, eigenvalues 0.5 and -0.25, yet ||w||_2 > 3: vanishing for every z1
    "non-normal, norm > 1": (exact([[0.5, 3.0], [0.0, -0.25]]), exact([1.0, 1.0]), "vanishing"),
    # w z1 = (4 - 3, -1.5) = 0.5 z1: z1 is an eigenvector of 0.5, the eigenvalue 2 never enters
    "eigenvalues 2, 1/2, z1 in the 1/2 eigenspace": (exact([[2.0, 1.0], [0.0, 0.5]]),
                                                     exact([2.0, -3.0]), "vanishing"),
    # same matrix, z1 = e1 is the eigenvector of 2
    "eigenvalues 2, 1/2, z1 = e1": (exact([[2.0, 1.0], [0.0, 0.5]]), exact([1.0, 0.0]),
                                    "exploding"),
    # lower Jordan block at 1: w e2 = e2 (fixed), w^t e1 = (1, t) (grows like t)
    "Jordan block, eigenvector": (exact([[1.0, 0.0], [1.0, 1.0]]), exact([0.0, 1.0]), "bounded"),
    "Jordan block, generalized eigenvector": (exact([[1.0, 0.0], [1.0, 1.0]]), exact([1.0, 0.0]),
                                              "exploding"),
    # Jordan block at -1: w^t e2 = (-1)^t (-t/2, 1) grows like t
    "Jordan block at -1": (exact([[-1.0, 0.5], [0.0, -1.0]]), exact([0.0, 1.0]), "exploding"),
    # orthogonal matrices preserve the norm
    "rotation by 90 degrees": (exact(ROTATION), exact([1.0, 2.0]), "bounded"),
    "minus identity": (-torch.eye(3, dtype=torch.float64), exact([1.0, -1.0, 0.5]), "bounded"),
    "cyclic permutation": (exact([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
                           exact([1.0, 2.0, 3.0]), "bounded"),
    # z^T = 0 for every T
    "z1 = 0": (2.0 * torch.eye(2, dtype=torch.float64), exact([0.0, 0.0]), "vanishing"),
    # 3 x 3 Jordan block at 0.5 (||w||_2 > 1): w^t e3 has entries C(t, k) 0.5^(t-k) -> 0
    "3x3 Jordan block at 0.5": (exact([[0.5, 1.0, 0.0], [0.0, 0.5, 1.0], [0.0, 0.0, 0.5]]),
                                exact([0.0, 0.0, 1.0]), "vanishing"),
    # block diag(rotation, 0.5): z1 in the 0.5 eigenspace, though the spectral radius is 1
    "rotation + 0.5, z1 = e3": (exact([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.5]]),
                                exact([0.0, 0.0, 4.0]), "vanishing"),
    # same matrix: the rotated part keeps norm 1, the other part vanishes
    "rotation + 0.5, z1 = e1 + e3": (exact([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.5]]),
                                     exact([1.0, 0.0, 1.0]), "bounded"),
    "rotation Jordan 4x4, z1 = e3": (exact(ROTATION_JORDAN), exact([0.0, 0.0, 1.0, 0.0]),
                                     "exploding"),
    "rotation Jordan 4x4, z1 = e1": (exact(ROTATION_JORDAN), exact([1.0, 0.0, 0.0, 0.0]),
                                     "bounded"),
    "triangular 4x4, z1 = e4": (exact(TRIANGULAR), exact([0.0, 0.0, 0.0, 1.0]), "vanishing"),
    "triangular 4x4, z1 = e2": (exact(TRIANGULAR), exact([0.0, 1.0, 0.0, 0.0]), "exploding"),
    # the 1/2-eigenvector case again, in float32 (its entries are exact in float32 too)
    "float32": (exact([[2.0, 1.0], [0.0, 0.5]]).float(), exact([2.0, -3.0]).float(), "vanishing"),
}


@number("6.a")
@weight(1)
@pytest.mark.parametrize("case", REGIME_CASES)
def test_hidden_state_regime_hidden(student, case):
    """hidden_state_regime names the limit of ||z^T||, which depends on z1 and on Jordan blocks."""
    w_z, z1, expected = REGIME_CASES[case]
    check_regime(student, w_z, z1, expected)


# (names of w, z1, T, g; T as an int, or None for a positive integer symbol)
SCALAR_CASES = {
    "other symbol names": (("a", "x0", "n", "dl"), None),
    "T = 1": (("w", "z1", "T", "g"), 1),
    "T = 3": (("w", "z1", "T", "g"), 3),
    "T = 6": (("u", "h", "T", "c"), 6),
}


@number("6.a")
@weight(0.5)
@pytest.mark.parametrize("case", SCALAR_CASES)
def test_scalar_rnn_gradient_hidden(student, case):
    """scalar_rnn_gradient is right for any symbol names and for T given as a plain integer."""
    names, T = SCALAR_CASES[case]
    check_scalar_gradient(student, names, T)


CLIP_CASES = {
    "matrix, Frobenius norm": (5.0 * seeded((3, 4), 6), 2.5),
    "float32": (seeded((6,), 7, torch.float32) * 3.0, 1.5),
    "norm equal to max_norm": (exact([0.0, 3.0, 4.0]), 5.0),
    "zero matrix": (torch.zeros(2, 2, dtype=torch.float64), 0.5),
    "large norm": (1e6 * seeded((5,), 8), 1.0),
    "below max_norm, matrix": (0.1 * seeded((2, 3), 9), 4.0),
}


@number("6.c")
@weight(1.5)
@pytest.mark.parametrize("case", CLIP_CASES)
def test_clip_gradient_norm_hidden(student, case):
    """clip_gradient_norm rescales to max_norm exactly when the norm is larger, never in place."""
    grad, max_norm = CLIP_CASES[case]
    check_clip(student, grad, max_norm)
