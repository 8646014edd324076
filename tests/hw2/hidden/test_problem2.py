"""Hidden checks for Problem 2 on matrices the student has never seen.

The properties are the public ones (tests/public/test_problem2.py): f(A, B) at the Eckart-Young
optimum for 2.b, a different pair with the same product for 2.c. Each matrix is built as
U diag(sigma) V^T from random orthonormal U, V (QR of a seeded Gaussian) with chosen singular
values, so the cases cover what a careless solution gets wrong: tall, wide and square shapes,
rank below r, r = 1 and r = min(m, n), repeated singular values (also across the cut at r),
float32 and float64, entries of size 1e3 and 1e-3. Each function's cases share its points evenly.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np
import pytest
import torch

from autograder.decorators import number, weight
from tests.hw2.public.test_problem2 import check_another_factorization, check_optimal_factorization


class Spectrum(NamedTuple):
    """A matrix U diag(sigma) V^T of shape (m, n) with the given nonzero singular values."""

    m: int
    n: int
    singular_values: Sequence[float]
    seed: int

    def factors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(U, sigma, V) in float64, U and V with orthonormal columns."""
        rng = np.random.default_rng(self.seed)
        k = len(self.singular_values)
        U, _ = np.linalg.qr(rng.standard_normal((self.m, k)))
        V, _ = np.linalg.qr(rng.standard_normal((self.n, k)))
        return U, np.asarray(self.singular_values, dtype=np.float64), V

    def matrix(self, dtype: torch.dtype) -> torch.Tensor:
        U, sigma, V = self.factors()
        return torch.from_numpy((U * sigma) @ V.T).to(dtype)

    def optimal_pair(self, r: int, power: float, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
        """An optimal rank-r pair A = U_r S_r^power, B = S_r^(1-power) V_r^T."""
        U, sigma, V = self.factors()
        A = U[:, :r] * sigma[:r] ** power
        B = (sigma[:r, None] ** (1 - power)) * V[:, :r].T
        return torch.from_numpy(A).to(dtype), torch.from_numpy(B).to(dtype)


F32, F64 = torch.float32, torch.float64

# name: (spectrum, r, dtype)
OPTIMAL_CASES = {
    "tall": (Spectrum(7, 4, [5, 4, 3, 2], seed=201), 2, F64),
    "wide float32": (Spectrum(3, 6, [4, 3, 1], seed=202), 1, F32),
    "square, repeated singular values": (Spectrum(6, 6, [3, 3, 2, 2, 2, 1], seed=203), 3, F64),
    "rank below r": (Spectrum(6, 5, [3, 1], seed=204), 3, F64),
    "rank below r, wide float32": (Spectrum(4, 7, [2], seed=205), 2, F32),
    "r = min(m, n), float32": (Spectrum(4, 6, [4, 3, 2, 1], seed=206), 4, F32),
    "r = 1, tall": (Spectrum(8, 3, [2, 1.5, 1], seed=207), 1, F64),
    "repeated singular value at the cut, float32": (Spectrum(5, 4, [4, 2, 2, 1], seed=208), 2, F32),
    "large entries, float32": (Spectrum(5, 4, [5e3, 3e3, 2e3, 1e3], seed=209), 2, F32),
    "tiny entries": (Spectrum(4, 5, [5e-3, 3e-3, 2e-3, 1e-3], seed=210), 2, F64),
}


@number("2.b")
@weight(5)
@pytest.mark.parametrize("case", OPTIMAL_CASES)
def test_optimal_factorization_hidden(student, case):
    """optimal_factorization reaches the Eckart-Young optimum on unseen matrices (all shapes and ranks)."""
    spectrum, r, dtype = OPTIMAL_CASES[case]
    check_optimal_factorization(student, spectrum.matrix(dtype), r)


# name: (spectrum, r, power of S_r in A, dtype)
ANOTHER_CASES = {
    "r = 1, tall": (Spectrum(6, 3, [3, 2, 1], seed=301), 1, 1.0, F64),
    "r = 1, wide float32": (Spectrum(3, 5, [2, 1, 0.5], seed=302), 1, 0.5, F32),
    "r = 2": (Spectrum(5, 4, [4, 3, 2, 1], seed=303), 2, 0.5, F64),
    "r = 3, square": (Spectrum(4, 4, [4, 3, 2, 1], seed=304), 3, 0.0, F64),
    "r = 3, float32": (Spectrum(6, 5, [5, 4, 3, 2, 1], seed=305), 3, 0.5, F32),
    "r = 2, tiny entries": (Spectrum(5, 4, [4e-6, 3e-6, 2e-6], seed=306), 2, 0.5, F64),
    "r = 1, tiny entries, float32": (Spectrum(4, 4, [2e-6, 1e-6], seed=307), 1, 0.5, F32),
    "r = 3, large entries, float32": (Spectrum(5, 6, [5e3, 4e3, 3e3, 1e3], seed=308), 3, 1.0, F32),
    "r = min(m, n)": (Spectrum(4, 4, [4, 3, 2, 1], seed=309), 4, 0.5, F64),
    "r = 2, orthonormal A, wide float32": (Spectrum(3, 6, [3, 2, 1], seed=310), 2, 0.0, F32),
}


@number("2.c")
@weight(5)
@pytest.mark.parametrize("case", ANOTHER_CASES)
def test_another_factorization_hidden(student, case):
    """another_factorization returns a different optimal pair with the same product (unseen pairs, any r)."""
    spectrum, r, power, dtype = ANOTHER_CASES[case]
    check_another_factorization(student, *spectrum.optimal_pair(r, power, dtype))
