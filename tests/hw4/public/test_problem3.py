"""Public checks for Problem 3 (bonus): batch normalization, convolution shapes, weight decay.

Expected values are recomputed here in float64, never taken from a reference solution:

- 3.1: batchnorm_forward against torch.nn.functional.batch_norm (on copies of the running
  statistics, which it updates in place): y within rtol 1e-5 (plus 1e-5 of the largest entry);
  the new running variance may use the unbiased batch variance (PyTorch's rule) or the biased
  one. In training mode the batch statistics normalize; at inference the running ones do and come
  back unchanged. Each check asks y and both statistics of the same call.
- 3.2: conv_output_shape((32, 64, 64), 64, 3) is (64, 62, 62), asked together with a case with
  padding and stride; padding_and_stride(h_in, h_out, k) must satisfy
  floor((h_in + 2p - k)/s) + 1 == h_out with integers p >= 0, s >= 1, and p <= k - 1: for 64 -> 32
  with k = 3 that is (1, 2) only, asked together with 32 -> 32 with k = 5. A pair that satisfies
  the formula only with a padding beyond k - 1 (the (16, 3) of the homework's sample answer)
  earns half of the check, with a message.
- 3.3: l2_gd_step is w - alpha grad L'(w), one gradient-descent step on L'(w) = L(w) + lam w^T w
  with the gradient of L' taken by autograd in float64 (rtol 1e-6); decay_factor(alpha, lam) is
  sympy-equivalent to the coefficient of w in that step, derived here with sympy (a scalar w and
  L(w) = g w, whose gradient g does not multiply w).

Points (all bonus): 3.1 here 0.5 (training) + 0.5 (inference), hidden 1.0 (4-D inputs, other
momentum and eps, float32). 3.2 here 1.0 + 1.0, hidden 1.0 + 1.0. 3.3 here 0.75 (l2_gd_step) +
1.0 (decay_factor), hidden 0.75 + 0.5. The helpers below are shared with the hidden checks.
"""
from __future__ import annotations

from typing import Any

import sympy
import torch
import torch.nn.functional as F

from autograder import equivalence
from autograder.checks import (CheckFailed, as_array, as_int, as_tuple, assert_close_to_scale,
                               assert_no_mutations, show)
from autograder.decorators import number, partial_credit, weight
from tests.hw4.settings import SYMBOLIC_TIMEOUT, SYMBOLS

RTOL = 1e-5  # float32 rounding of a normalization is ~1e-6
STEP_RTOL = 1e-6


# ------------------------------------------------------------------------------------- 3.1
def check_batchnorm(student: Any, x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor,
                    running_mean: torch.Tensor, running_var: torch.Tensor, training: bool,
                    momentum: float | None = None, eps: float | None = None) -> None:
    """batchnorm_forward's (y, new_running_mean, new_running_var) against F.batch_norm's.

    momentum / eps None: the call leaves the default (0.1 / 1e-5)."""
    kwargs = {k: v for k, v in (("momentum", momentum), ("eps", eps)) if v is not None}
    mode = "training" if training else "inference"
    what = f"batchnorm_forward(..., training={training})"
    outcome = student.call("problem3", "batchnorm_forward", x, gamma, beta, running_mean,
                           running_var, training, **kwargs)
    y, new_mean, new_var = as_tuple(outcome.value, what, 3)
    channels = x.shape[1]
    y = as_array(y, f"{what}'s y", shape=tuple(x.shape))
    new_mean = as_array(new_mean, f"{what}'s new running mean", shape=(channels,))
    new_var = as_array(new_var, f"{what}'s new running variance", shape=(channels,))

    m = momentum if momentum is not None else 0.1
    e = eps if eps is not None else 1e-5
    x64, g64, b64 = (t.to(torch.float64) for t in (x, gamma, beta))
    expected_mean, expected_var = running_mean.to(torch.float64).clone(), running_var.to(torch.float64).clone()
    expected_y = F.batch_norm(x64, expected_mean, expected_var, g64, b64, training, m, e).numpy()
    inputs = (f"x ({x.dtype}, shape {tuple(x.shape)}), gamma = {show(gamma)}, beta = {show(beta)}\n"
              f"running_mean = {show(running_mean)}, running_var = {show(running_var)}\n"
              f"training = {training}, momentum = {m}, eps = {e}")
    normalizer = "the batch mean and biased batch variance" if training else \
        "running_mean and running_var (no batch statistics at inference)"
    assert_close_to_scale(y, expected_y, f"{what}'s y (in {mode} mode, normalized with {normalizer})",
                          rtol=RTOL, inputs=inputs)
    rule = "(1 - momentum) * running + momentum * batch mean" if training else \
        "the running mean unchanged"
    assert_close_to_scale(new_mean, expected_mean.numpy(), f"{what}'s new running mean ({rule})",
                          rtol=RTOL, inputs=inputs)
    if training:
        dims = [d for d in range(x.dim()) if d != 1]
        batch_mean = x64.mean(dim=dims, keepdim=True)
        biased = ((x64 - batch_mean) ** 2).mean(dim=dims)
        accepted_biased = ((1 - m) * running_var.to(torch.float64) + m * biased).numpy()
        try:
            assert_close_to_scale(new_var, expected_var.numpy(), "", rtol=RTOL)
        except CheckFailed:
            assert_close_to_scale(new_var, accepted_biased,
                                  f"{what}'s new running variance ((1 - momentum) * running + "
                                  "momentum * the unbiased batch variance; the biased one is accepted)",
                                  rtol=RTOL, inputs=inputs)
    else:
        assert_close_to_scale(new_var, expected_var.numpy(),
                              f"{what}'s new running variance (the running variance unchanged)",
                              rtol=RTOL, inputs=inputs)
    assert_no_mutations(outcome, what)


def batchnorm_inputs(shape: tuple[int, ...], seed: int, dtype: torch.dtype = torch.float64):
    """(x, gamma, beta, running_mean, running_var): x far from standardized, so that batch and
    running statistics differ clearly."""
    generator = torch.Generator().manual_seed(seed)
    channels = shape[1]

    def randn(*size):
        return torch.randn(size, generator=generator, dtype=torch.float64)

    x = 3.0 * randn(*shape) + 2.0 * randn(1, channels, *([1] * (len(shape) - 2)))
    gamma = 1.0 + 0.5 * randn(channels)
    beta = randn(channels)
    running_mean = randn(channels)
    running_var = 0.5 + torch.rand(channels, generator=generator, dtype=torch.float64)
    return tuple(t.to(dtype) for t in (x, gamma, beta, running_mean, running_var))


@number("3.1")
@weight(0.5)
def test_batchnorm_training(student):
    """In training mode: batch statistics normalize, the running ones move by momentum 0.1."""
    check_batchnorm(student, *batchnorm_inputs((8, 3), 0), training=True)


@number("3.1")
@weight(0.5)
def test_batchnorm_inference(student):
    """At inference: the running statistics normalize and come back unchanged."""
    check_batchnorm(student, *batchnorm_inputs((8, 3), 1), training=False)


# ------------------------------------------------------------------------------------- 3.2
def conv_size(h: int, k: int, padding: int, stride: int) -> int:
    return (h + 2 * padding - k) // stride + 1


def check_conv_output_shape(student: Any, cases: list[tuple]) -> None:
    """conv_output_shape on every case ((C, H, W), c_out, k, padding, stride); padding and stride
    None leave the defaults (0 and 1)."""
    for (channels, height, width), c_out, k, padding, stride in cases:
        kwargs = {key: v for key, v in (("padding", padding), ("stride", stride)) if v is not None}
        p, s = padding or 0, stride or 1
        what = "conv_output_shape(input_shape, c_out, k" + "".join(f", {key}=..." for key in kwargs) + ")"
        got = as_tuple(student.problem3.conv_output_shape((channels, height, width), c_out, k, **kwargs),
                       what, 3)
        got = tuple(as_int(v, f"{what}[{i}]") for i, v in enumerate(got))
        expected = (c_out, conv_size(height, k, p, s), conv_size(width, k, p, s))
        if got != expected:
            raise CheckFailed(f"{what} is not (C_out, floor((H + 2p - k)/s) + 1, "
                              "floor((W + 2p - k)/s) + 1)",
                              detail=f"input ({channels}, {height}, {width}), c_out = {c_out}, "
                                     f"k = {k}, padding = {p}, stride = {s}: expected {expected}, got {got}")


def check_padding_and_stride(student: Any, score: Any, cases: list[tuple[int, int, int]]) -> None:
    """padding_and_stride(h_in, h_out, k) on every case: integers p >= 0, s >= 1 with the output
    size h_out, and p <= k - 1; only the last violated: half of the check."""
    oversized = []
    for h_in, h_out, k in cases:
        what = "padding_and_stride(h_in, h_out, k)"
        pair = as_tuple(student.problem3.padding_and_stride(h_in, h_out, k), what, 2)
        padding, stride = as_int(pair[0], f"{what}'s padding"), as_int(pair[1], f"{what}'s stride")
        detail = f"h_in = {h_in}, h_out = {h_out}, k = {k}: got padding {padding}, stride {stride}"
        if padding < 0 or stride < 1:
            raise CheckFailed(f"{what} must return padding >= 0 and stride >= 1", detail=detail)
        size = conv_size(h_in, k, padding, stride)
        if size != h_out:
            raise CheckFailed(f"{what}: with that padding and stride the output size is not h_out",
                              detail=f"{detail}, which give size {size}")
        if padding > k - 1:
            oversized.append(detail)
    if oversized:
        score.set(0.5)
        raise CheckFailed("padding_and_stride satisfies the size formula, but with a padding larger "
                          "than k - 1: some outputs see nothing but zero padding; a padding <= k - 1 "
                          "exists (half of this check's points)", detail="\n".join(oversized))


@number("3.2")
@weight(1.0)
def test_conv_output_shape(student):
    """(32, 64, 64), 64 filters, k = 3 gives (64, 62, 62); and a case with padding and stride."""
    check_conv_output_shape(student, [((32, 64, 64), 64, 3, None, None), ((3, 32, 32), 16, 5, 2, 2)])


@number("3.2")
@partial_credit
@weight(1.0)
def test_padding_and_stride(student, score):
    """64 -> 32 with k = 3 needs padding 1 and stride 2; 32 -> 32 with k = 5 padding 2, stride 1."""
    check_padding_and_stride(student, score, [(64, 32, 3), (32, 32, 5)])


# ------------------------------------------------------------------------------------- 3.3
def regularized_gd_step(w: torch.Tensor, grad_L: torch.Tensor, alpha: float, lam: float) -> torch.Tensor:
    """w - alpha grad L'(w) in float64 for L'(w) = L(w) + lam w^T w, the gradient by autograd: L is
    the linear function with gradient grad_L at w (only its gradient at w enters the step)."""
    w64 = w.detach().to(torch.float64).clone().requires_grad_(True)
    g64 = grad_L.detach().to(torch.float64)
    regularized = (g64 * w64).sum() + lam * (w64 * w64).sum()
    (gradient,) = torch.autograd.grad(regularized, w64)
    return (w64 - alpha * gradient).detach()


def derived_decay_factor(alpha: sympy.Symbol, lam: sympy.Symbol) -> sympy.Expr:
    """The coefficient of w in one gradient-descent step on L'(w) = L(w) + lam w^T w, derived with
    sympy: a scalar w and L(w) = g w for a symbol g (the step is then c w - alpha g)."""
    w, g = sympy.Dummy("w", real=True), sympy.Dummy("g", real=True)
    step = sympy.expand(w - alpha * sympy.diff(g * w + lam * w**2, w))
    factor = step.coeff(w)
    assert sympy.simplify(step - factor * w + alpha * g) == 0  # new w = c w - alpha grad L(w)
    return factor


def check_l2_gd_step(student: Any, w: torch.Tensor, grad_L: torch.Tensor, alpha: float,
                     lam: float) -> None:
    """l2_gd_step(w, grad_L, alpha, lam) is w - alpha grad L'(w) for L' = L + lam w^T w."""
    what = "l2_gd_step(w, grad_L, alpha, lam)"
    outcome = student.call("problem3", "l2_gd_step", w, grad_L, alpha, lam)
    got = as_array(outcome.value, what, shape=tuple(w.shape))
    w64, g64 = w.to(torch.float64).numpy(), grad_L.to(torch.float64).numpy()
    expected = regularized_gd_step(w, grad_L, alpha, lam).numpy()
    assert_close_to_scale(got, expected, f"{what} (one gradient-descent step on L + lam w^T w)",
                          rtol=STEP_RTOL,
                          inputs=f"w ({w.dtype}) =\n{show(w64)}\ngrad_L =\n{show(g64)}\n"
                                 f"alpha = {alpha!r}, lam = {lam!r}")
    assert_no_mutations(outcome, what)


def check_decay_factor(student: Any, alpha: sympy.Symbol, lam: sympy.Symbol) -> None:
    """decay_factor(alpha, lam) is the coefficient of w in one step on L + lam w^T w."""
    equivalence.assert_equivalent(student.problem3.decay_factor(alpha, lam),
                                  derived_decay_factor(alpha, lam),
                                  [alpha, lam], "decay_factor(alpha, lam)", timeout=SYMBOLIC_TIMEOUT)


@number("3.3")
@weight(0.75)
def test_l2_gd_step(student):
    """l2_gd_step is one gradient-descent step w - alpha grad L'(w) on L' = L + lam w^T w."""
    w = torch.tensor([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]], dtype=torch.float64)
    grad_L = torch.tensor([[0.5, 1.5, -2.0], [-1.0, 2.0, 0.25]], dtype=torch.float64)
    check_l2_gd_step(student, w, grad_L, 0.1, 0.5)


@number("3.3")
@weight(1.0)
def test_decay_factor(student):
    """decay_factor(alpha, lam) is the factor that multiplies w in the step on L + lam w^T w."""
    check_decay_factor(student, SYMBOLS["alpha"], SYMBOLS["lam"])
