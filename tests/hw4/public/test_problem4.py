"""Public checks for Problem 4: GANs, V(D, G) = E log D(x) + E log(1 - D(G(z))).

Expected values are recomputed here in float64, never taken from a reference solution:

- 4.1: gan_value is mean(log d_real) + mean(log(1 - d_fake)), each mean over its own batch (the
  batches differ in length, so one mean over both fails; rtol 1e-6); optimal_discriminator is
  p_data / (p_data + p_g) elementwise (p_data != p_g at most points, so the constant 1/2 fails);
  optimal_gan_value() is sympy-equivalent to -log 4, a decimal approximation earning half.
- 4.2: gan_gradients(W_g, W_d, x, r) against torch.autograd's gradients of
  V = log sigmoid(W_d r) + log(1 - sigmoid(W_d ReLU(W_g x))), with every entry of W_g x at least
  0.3 away from 0 and of both signs (so the ReLU mask matters), and the discriminator's output on
  the generated sample far from 1/2 (so the non-saturating loss -log D(G(x)) differs). dV/dW_d may
  have shape (1, 5) or (5,); the gradients of -V are accepted when both are negated, not one.
- 4.3: generator_grad_wrt_logit(h) is sympy-equivalent to -1/(1 + exp(-h)) for a real h.

Points: 4.1 here gan_value 0.5, optimal_discriminator 0.25, optimal_gan_value 0.75; hidden 0.25 +
0.25 on new inputs. 4.2 here 1.0, hidden 1.0 (three more networks). 4.3 here 0.5, hidden 0.5 (a
symbol of another name). The helpers below are shared with the hidden checks.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy
import torch

from autograder import equivalence
from autograder.checks import (CheckFailed, as_array, as_real, as_tuple, assert_close_to_scale,
                               assert_no_mutations, show)
from autograder.decorators import number, partial_credit, weight
from tests.hw4.settings import SYMBOLIC_TIMEOUT

RTOL = 1e-6       # 4.1: float64 inputs; float32 work inside is still far below it
GRAD_RTOL = 1e-7  # 4.2: float64 in, float64 autograd out


def f64(values: list) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


# ------------------------------------------------------------------------------------- 4.1
def check_gan_value(student: Any, d_real: torch.Tensor, d_fake: torch.Tensor) -> None:
    """gan_value(d_real, d_fake) is mean(log d_real) + mean(log(1 - d_fake))."""
    what = "gan_value(d_real, d_fake)"
    outcome = student.call("problem4", "gan_value", d_real, d_fake)
    got = as_real(outcome.value, what)
    real64, fake64 = d_real.to(torch.float64), d_fake.to(torch.float64)
    expected = (torch.log(real64).mean() + torch.log1p(-fake64).mean()).item()
    if not abs(got - expected) <= RTOL * abs(expected):
        hint = " (its sign is wrong: V is the log-likelihood D maximizes, not a loss)" \
            if abs(got + expected) <= RTOL * abs(expected) else ""
        raise CheckFailed(f"{what} is not mean(log d_real) + mean(log(1 - d_fake)), each mean over "
                          f"its own batch{hint}",
                          detail=f"d_real = {show(d_real)}\nd_fake = {show(d_fake)}\n"
                                 f"expected {expected:.10g}, got {got:.10g}")
    assert_no_mutations(outcome, what)


def check_optimal_discriminator(student: Any, p_data: torch.Tensor, p_g: torch.Tensor) -> None:
    """optimal_discriminator(p_data, p_g) is p_data / (p_data + p_g), elementwise."""
    what = "optimal_discriminator(p_data, p_g)"
    outcome = student.call("problem4", "optimal_discriminator", p_data, p_g)
    got = as_array(outcome.value, what, shape=tuple(p_data.shape))
    data64, g64 = p_data.to(torch.float64).numpy(), p_g.to(torch.float64).numpy()
    assert_close_to_scale(got, data64 / (data64 + g64), f"{what} (D* for a fixed generator)",
                          rtol=RTOL, inputs=f"p_data = {show(data64)}\np_g = {show(g64)}")
    assert_no_mutations(outcome, what)


@number("4.1")
@weight(0.5)
def test_gan_value(student):
    """gan_value on batches of 4 real and 3 generated samples."""
    check_gan_value(student, f64([0.9, 0.8, 0.6, 0.95]), f64([0.1, 0.3, 0.7]))


@number("4.1")
@weight(0.25)
def test_optimal_discriminator(student):
    """optimal_discriminator is p_data / (p_data + p_g) at every point."""
    check_optimal_discriminator(student, f64([0.5, 0.1, 0.2, 0.05]), f64([0.5, 0.3, 0.05, 0.4]))


@number("4.1")
@partial_credit
@weight(0.75)
def test_optimal_gan_value(student, score):
    """optimal_gan_value() is -log 4 (exactly; a decimal approximation earns half)."""
    equivalence.assert_equivalent(student.problem4.optimal_gan_value(), -sympy.log(4), [],
                                  "optimal_gan_value()", timeout=SYMBOLIC_TIMEOUT, approximate=score)


# ------------------------------------------------------------------------------------- 4.2
def generator_weights(pre_activation: torch.Tensor, x: torch.Tensor, seed: int) -> torch.Tensor:
    """A (5, 2) W_g with W_g x == pre_activation exactly (up to rounding): its part along x is
    fixed by the target, its part orthogonal to x is random."""
    generator = torch.Generator().manual_seed(seed)
    x = x.to(torch.float64)
    noise = torch.randn((pre_activation.numel(), x.numel()), generator=generator, dtype=torch.float64)
    projector = torch.eye(x.numel(), dtype=torch.float64) - torch.outer(x, x) / (x @ x)
    return torch.outer(pre_activation.to(torch.float64), x) / (x @ x) + noise @ projector


def value_gradients(W_g: torch.Tensor, W_d: torch.Tensor, x: torch.Tensor,
                    r: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(dV/dW_g, dV/dW_d) by autograd in float64."""
    wg = W_g.detach().to(torch.float64).clone().requires_grad_(True)
    wd = W_d.detach().to(torch.float64).clone().requires_grad_(True)
    x64, r64 = x.to(torch.float64), r.to(torch.float64)
    value = (torch.nn.functional.logsigmoid(wd @ r64)
             + torch.log1p(-torch.sigmoid(wd @ torch.relu(wg @ x64)))).sum()
    grad_g, grad_d = torch.autograd.grad(value, (wg, wd))
    return grad_g.numpy(), grad_d.numpy()


def _close(actual: np.ndarray, expected: np.ndarray) -> bool:
    try:
        assert_close_to_scale(actual, expected, "", rtol=GRAD_RTOL)
    except CheckFailed:
        return False
    return True


def check_gan_gradients(student: Any, W_g: torch.Tensor, W_d: torch.Tensor, x: torch.Tensor,
                        r: torch.Tensor) -> None:
    """gan_gradients gives autograd's (dV/dW_g, dV/dW_d), or both of -V."""
    what = "gan_gradients(W_g, W_d, x, r)"
    outcome = student.call("problem4", "gan_gradients", W_g, W_d, x, r)
    grad_g, grad_d = as_tuple(outcome.value, what, 2)
    grad_g = as_array(grad_g, f"{what}'s dV/dW_g", shape=tuple(W_g.shape))
    grad_d = as_array(grad_d, f"{what}'s dV/dW_d")
    if grad_d.shape not in (tuple(W_d.shape), (W_d.numel(),)):
        raise CheckFailed(f"{what}'s dV/dW_d must have the shape of W_d, (1, 5) (or (5,))",
                          detail=f"got shape {grad_d.shape}")
    grad_d = grad_d.reshape(tuple(W_d.shape))
    expected_g, expected_d = value_gradients(W_g, W_d, x, r)
    g_plus, g_minus = _close(grad_g, expected_g), _close(grad_g, -expected_g)
    d_plus, d_minus = _close(grad_d, expected_d), _close(grad_d, -expected_d)
    detail = (f"W_g =\n{show(W_g)}\nW_d = {show(W_d)}\nx = {show(x)}\nr = {show(r)}\n"
              f"expected dV/dW_g =\n{show(expected_g)}\ngot\n{show(grad_g)}\n"
              f"expected dV/dW_d = {show(expected_d)}\ngot {show(grad_d)}")
    if not ((g_plus and d_plus) or (g_minus and d_minus)):
        if (g_plus and d_minus) or (g_minus and d_plus):
            raise CheckFailed(f"{what}: one gradient is of V and the other of -V; return both "
                              "gradients of V (or both of -V)", detail=detail)
        wrong = [name for name, plus, minus in (("dV/dW_g", g_plus, g_minus), ("dV/dW_d", d_plus, d_minus))
                 if not (plus or minus)]
        raise CheckFailed(f"{what}: {' and '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not "
                          "the gradient of V = log D(r) + log(1 - D(ReLU(W_g x))) "
                          "(compared with torch.autograd)", detail=detail)
    assert_no_mutations(outcome, what)


PUBLIC_X = f64([1.0, -0.5])
PUBLIC_W_G = generator_weights(f64([0.8, -1.2, 1.5, -0.4, 0.6]), PUBLIC_X, 0)
PUBLIC_W_D = f64([[0.7, -0.3, 0.9, 0.5, -1.1]])  # D(G(x)) = sigmoid(1.25), about 0.78
PUBLIC_R = f64([0.5, 1.0, -1.0, 2.0, 0.3])


@number("4.2")
@weight(1.0)
def test_gan_gradients(student):
    """gan_gradients matches autograd's gradients of V for the homework's 2 -> 5 -> 1 networks."""
    check_gan_gradients(student, PUBLIC_W_G, PUBLIC_W_D, PUBLIC_X, PUBLIC_R)


# ------------------------------------------------------------------------------------- 4.3
def check_generator_grad(student: Any, h: sympy.Symbol) -> None:
    """generator_grad_wrt_logit(h) is -sigmoid(h) = -1/(1 + exp(-h))."""
    equivalence.assert_equivalent(student.problem4.generator_grad_wrt_logit(h), -1 / (1 + sympy.exp(-h)),
                                  [h], "generator_grad_wrt_logit(h)", timeout=SYMBOLIC_TIMEOUT)


@number("4.3")
@weight(0.5)
def test_generator_grad_wrt_logit(student):
    """generator_grad_wrt_logit(h) is d/dh log(1 - sigmoid(h)) = -sigmoid(h)."""
    check_generator_grad(student, sympy.Symbol("h", real=True))
