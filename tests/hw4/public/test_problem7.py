"""Public checks for Problem 7: the feature dimensions of a CNN.

Expected values are facts of the problem (Table 1, the dilated-convolution example, the receptive
fields of the contract) or recomputed here from the definitions, never from a reference solution.
Integers are compared exactly (an int, or an integer-valued NumPy/tensor scalar); shapes are
tuples (a list is accepted) of exactly the right length:

- conv_layer_counts(K, C, F) = (K^2 C F, F); pool_output_hw(W, H, K, S) = (floor((W - K)/S) + 1,
  floor((H - K)/S) + 1), with W != H so that swapped answers fail.
- layer_table((28, 28, 1), Table 1's layers): parameters 100, 0, 910, 0, 0, 1473 and shapes
  (28, 28, 10), (14, 14, 10), (14, 14, 10), (7, 7, 10), (490,), (3,): every row must be right.
- dilated_conv2d: the problem's example (M = 1..9 as 3 x 3, k = ones(2, 2), d = 2) gives [[20]],
  and in the same check an asymmetric 3 x 2 kernel on a 5 x 6 matrix with d = 2, where flipping
  the kernel (a true convolution) or spacing its taps wrongly fails (float64, relative 1e-9). The
  call must leave M and k unchanged.
- receptive_field: [(3, 1, 1), (3, 1, 2)] gives 7; the tutorial Net's conv 5, pool 2 (stride 2),
  conv 5, pool 2 gives 16 at the flatten.

Points (6 for the part): here conv_layer_counts 0.5, pool_output_hw 0.5, layer_table 1,
dilated_conv2d 0.5, receptive_field 0.5 (3); hidden: the same on new inputs (3). The helpers below
are shared with the hidden checks.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from autograder.checks import (CheckFailed, as_array, as_int, assert_close_to_scale,
                               assert_no_mutations, opaque_detail, show, type_name)
from autograder.decorators import number, weight

RTOL = 1e-9


def as_int_tuple(value: Any, what: str, length: int) -> tuple[int, ...]:
    """A tuple or list of `length` integers (a 1-D integer-valued tensor or array is accepted)."""
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim == 1:
        value = list(as_array(value, what))
    if not isinstance(value, (tuple, list)):
        raise CheckFailed(f"{what} must be a tuple of {length} integers, got {type_name(value)}",
                          detail=opaque_detail(value))
    if len(value) != length:
        raise CheckFailed(f"{what} must have {length} entries", detail=f"got {len(value)}")
    return tuple(as_int(item, f"{what}[{i}]") for i, item in enumerate(value))


# ---------------------------------------------------------------------- conv / pool counts
def check_conv_layer_counts(student: Any, K: int, C: int, F: int) -> None:
    what = "conv_layer_counts(K, C, F)"
    got = as_int_tuple(student.problem7.conv_layer_counts(K, C, F), what, 2)
    expected = (K * K * C * F, F)
    if got != expected:
        raise CheckFailed(f"{what} is not (number of weights, number of biases) of the layer",
                          detail=f"K = {K}, C = {C}, F = {F}: expected {expected}, got {got}")


def check_pool_output_hw(student: Any, W: int, H: int, K: int, S: int) -> None:
    what = "pool_output_hw(W, H, K, S)"
    got = as_int_tuple(student.problem7.pool_output_hw(W, H, K, S), what, 2)
    expected = ((W - K) // S + 1, (H - K) // S + 1)
    if got != expected:
        raise CheckFailed(f"{what} is not (W', H') of the pooling layer",
                          detail=f"W = {W}, H = {H}, K = {K}, S = {S}: expected {expected}, got {got}")


@number("7")
@weight(0.5)
def test_conv_layer_counts(student):
    """conv_layer_counts: (90, 10) for Table 1's first layer, (900, 10) for its second, (27648, 64)."""
    for K, C, F in ((3, 1, 10), (3, 10, 10), (3, 48, 64)):
        check_conv_layer_counts(student, K, C, F)


@number("7")
@weight(0.5)
def test_pool_output_hw(student):
    """pool_output_hw on 28 x 14: (14, 7) for a 2 x 2 window with stride 2, (9, 4) for 3 x 3 with
    stride 3, (13, 6) for 4 x 4 with stride 2."""
    for W, H, K, S in ((28, 14, 2, 2), (28, 14, 3, 3), (28, 14, 4, 2)):
        check_pool_output_hw(student, W, H, K, S)


# ---------------------------------------------------------------------------- layer_table
def expected_table(input_shape: tuple[int, int, int], layers: list[str]) -> list[tuple[int, tuple[int, ...]]]:
    """The table from the definitions in the problem (the contract's conventions)."""
    shape: tuple[int, ...] = input_shape
    rows = []
    for layer in layers:
        if layer.startswith("CONV"):
            k, filters = (int(v) for v in layer[4:].split("-"))
            width, height, channels = shape
            shape = (width, height, filters)  # odd k, padding (k - 1)/2, stride 1
            rows.append((k * k * channels * filters + filters, shape))
        elif layer.startswith("POOL"):
            k = int(layer[4:])
            width, height, channels = shape
            shape = ((width - k) // k + 1, (height - k) // k + 1, channels)
            rows.append((0, shape))
        elif layer == "FLATTEN":
            shape = (int(np.prod(shape)),)
            rows.append((0, shape))
        else:  # FC-K
            outputs = int(layer[3:])
            rows.append((shape[0] * outputs + outputs, (outputs,)))
            shape = (outputs,)
    return rows


def check_layer_table(student: Any, input_shape: tuple[int, int, int], layers: list[str],
                      expected: list[tuple[int, tuple[int, ...]]] | None = None) -> None:
    what = "layer_table(input_shape, layers)"
    expected = expected_table(input_shape, layers) if expected is None else expected
    value = student.problem7.layer_table(input_shape, list(layers))
    if not isinstance(value, (list, tuple)):
        raise CheckFailed(f"{what} must return a list of (parameters, shape) pairs, got "
                          f"{type_name(value)}", detail=opaque_detail(value))
    if len(value) != len(layers):
        raise CheckFailed(f"{what} must return one entry per layer (no entry for the input)",
                          detail=f"{len(layers)} layers, got {len(value)} entries")
    wrong_counts, wrong_shapes, report = [], [], []
    for index, (row, (parameters, shape)) in enumerate(zip(value, expected)):
        entry = f"{what}[{index}]"
        got_parameters, got_shape = _pair(row, entry)
        got_parameters = as_int(got_parameters, f"{entry}'s number of parameters")
        got_shape = as_int_tuple(got_shape, f"{entry}'s shape", len(shape))
        if got_parameters != parameters:
            wrong_counts.append(index)
        if got_shape != shape:
            wrong_shapes.append(index)
        report.append(f"{layers[index]}: expected ({parameters}, {shape}), got "
                      f"({got_parameters}, {got_shape})")
    if wrong_counts or wrong_shapes:
        kinds = sorted({layers[i].split("-")[0].rstrip("0123456789") for i in wrong_counts + wrong_shapes})
        problems = [name for name, rows in (("parameter counts", wrong_counts),
                                            ("output shapes", wrong_shapes)) if rows]
        raise CheckFailed(f"{what} has wrong {' and '.join(problems)} (at layers of type "
                          f"{', '.join(kinds)})",
                          detail=f"input {input_shape}\n" + "\n".join(report))


def _pair(row: Any, what: str) -> tuple[Any, Any]:
    if not isinstance(row, (tuple, list)) or len(row) != 2:
        raise CheckFailed(f"{what} must be a pair (number of parameters, output shape)",
                          detail=f"got {type_name(row)}" + (f" of length {len(row)}"
                                                            if isinstance(row, (tuple, list)) else ""))
    return row[0], row[1]


TABLE_1 = ["CONV3-10", "POOL2", "CONV3-10", "POOL2", "FLATTEN", "FC-3"]
TABLE_1_ROWS = [(100, (28, 28, 10)), (0, (14, 14, 10)), (910, (14, 14, 10)), (0, (7, 7, 10)),
                (0, (490,)), (1473, (3,))]


@number("7")
@weight(1.0)
def test_layer_table_table_1(student):
    """layer_table((28, 28, 1), Table 1) gives 100, 0, 910, 0, 0, 1473 parameters and its shapes."""
    if expected_table((28, 28, 1), TABLE_1) != TABLE_1_ROWS:
        raise RuntimeError("grader bug: the recomputed Table 1 differs from the problem's")
    check_layer_table(student, (28, 28, 1), TABLE_1, TABLE_1_ROWS)


# ------------------------------------------------------------------------- dilated_conv2d
def dilated_cross_correlation(M: np.ndarray, k: np.ndarray, d: int) -> np.ndarray:
    kh, kw = k.shape
    out = np.zeros((M.shape[0] - (kh - 1) * d, M.shape[1] - (kw - 1) * d))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(k * M[i:i + (kh - 1) * d + 1:d, j:j + (kw - 1) * d + 1:d])
    return out


def check_dilated_conv2d(student: Any, M: torch.Tensor, k: torch.Tensor, d: int,
                         expected: np.ndarray | None = None) -> None:
    what = "dilated_conv2d(M, k, d)"
    M64, k64 = M.to(torch.float64).numpy(), k.to(torch.float64).numpy()
    expected = dilated_cross_correlation(M64, k64, d) if expected is None else expected
    outcome = student.call("problem7", "dilated_conv2d", M, k, d)
    got = as_array(outcome.value, what, shape=expected.shape)
    inputs = (f"M =\n{show(M64)}\nk =\n{show(k64)}\nd = {d}\nexpected =\n{show(expected)}\n"
              f"got =\n{show(got)}")
    try:
        assert_close_to_scale(got, expected, f"{what} (expected the valid cross-correlation with "
                              "the kernel dilated by d)", rtol=RTOL, inputs=inputs)
    except CheckFailed as failure:
        flipped = dilated_cross_correlation(M64, k64[::-1, ::-1], d)
        if not np.allclose(flipped, expected) and np.allclose(got, flipped, rtol=1e-6, atol=1e-9):
            raise CheckFailed(f"{what} flips the kernel (a true convolution): a CNN layer computes "
                              "the cross-correlation, kernel not flipped",
                              detail=failure.detail) from None
        raise
    assert_no_mutations(outcome, what)


EXAMPLE_M = torch.arange(1.0, 10.0, dtype=torch.float64).reshape(3, 3)
ASYMMETRIC_M = torch.tensor([[1.0, 0.0, 2.0, -1.0, 3.0, 1.0], [2.0, 1.0, 0.0, 1.0, -2.0, 0.0],
                             [0.0, 3.0, 1.0, 2.0, 1.0, -1.0], [1.0, -1.0, 2.0, 0.0, 1.0, 2.0],
                             [3.0, 2.0, -2.0, 1.0, 0.0, 1.0]], dtype=torch.float64)
ASYMMETRIC_K = torch.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]], dtype=torch.float64)


@number("7")
@weight(0.5)
def test_dilated_conv2d(student):
    """dilated_conv2d gives [[20]] on the problem's example and is right on an asymmetric kernel."""
    check_dilated_conv2d(student, EXAMPLE_M, torch.ones(2, 2, dtype=torch.float64), 2,
                         expected=np.array([[20.0]]))
    check_dilated_conv2d(student, ASYMMETRIC_M, ASYMMETRIC_K, 2)


# ------------------------------------------------------------------------ receptive_field
def expected_receptive_field(layers: list[tuple[int, int, int]]) -> int:
    field, jump = 1, 1
    for k, s, d in layers:
        field += (k - 1) * d * jump
        jump *= s
    return field


def check_receptive_field(student: Any, layers: list[tuple[int, int, int]],
                          expected: int | None = None) -> None:
    what = "receptive_field(layers)"
    expected = expected_receptive_field(layers) if expected is None else expected
    got = as_int(student.problem7.receptive_field([tuple(layer) for layer in layers]), what)
    if got != expected:
        raise CheckFailed(f"{what} is not the side of the input region that one output pixel sees",
                          detail=f"layers (k, s, d) = {layers}: expected {expected}, got {got}")


NET_LAYERS = [(5, 1, 1), (2, 2, 1), (5, 1, 1), (2, 2, 1)]


@number("7")
@weight(0.5)
def test_receptive_field(student):
    """receptive_field: 7 for 3 x 3 then 3 x 3 with d = 2; 16 for the tutorial Net's convs and pools."""
    check_receptive_field(student, [(3, 1, 1), (3, 1, 2)], expected=7)
    check_receptive_field(student, NET_LAYERS, expected=16)
