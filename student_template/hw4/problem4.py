"""HW4, Problem 4: generative adversarial networks.

The GAN value function is

    V(D, G) = E_{x ~ p_data} [log D(x)] + E_{z ~ p_z} [log(1 - D(G(z)))],

which the discriminator D maximizes and the generator G minimizes (min_G max_D V). 4.1 evaluates
V on a batch and at the optimum, 4.2 differentiates it for a small network by hand, and 4.3 shows
why the generator's gradient vanishes when the discriminator rejects its samples confidently.

What the autograder accepts, for every function below:

- Tensor inputs are `torch.Tensor`s (float32 or float64) on some device; return tensors on the same
  device or on the CPU. A NumPy array with the same values is accepted wherever a tensor is asked
  for; a Python float is accepted where a scalar is asked for.
- Logarithms are natural logarithms (nats).
- Never modify an argument in place: build new tensors.
- Symbolic functions return sympy expressions, judged by sympy equivalence: write exact numbers
  (`sympy.log(2)`, `sympy.Rational(1, 2)`), not decimals; a decimal that only approximates the
  exact value (such as -1.386) earns half of that check. Use the Symbols you are given and
  `sympy.exp` / `sympy.log`; sympy has no sigmoid, so write sigma(h) as 1 / (1 + sympy.exp(-h)).
- The explanations go in your PDF; only the functions below are autograded.
"""
from __future__ import annotations

import sympy
import torch

Tensor = torch.Tensor


# ------------------------------------------------------------------------------------------ 4.1
def gan_value(d_real: Tensor, d_fake: Tensor) -> Tensor:
    """4.1: the Monte Carlo estimate of V(D, G) on one batch.

    Args:
        d_real: D(x) on a batch of real samples, a 1-D tensor of probabilities in (0, 1).
        d_fake: D(G(z)) on a batch of generated samples, a 1-D tensor of probabilities in (0, 1);
            its length may differ from that of d_real.

    Returns:
        mean(log d_real) + mean(log(1 - d_fake)), each mean over its own batch: a 0-d tensor (or a
        Python float).
    """
    raise NotImplementedError("4.1: return the estimate of V(D, G) on the batch")


def optimal_discriminator(p_data: Tensor, p_g: Tensor) -> Tensor:
    """4.1: the discriminator D* that maximizes V for a fixed generator, at given points.

    Args:
        p_data: the data density p_data(x) at some points x, a 1-D tensor of positive values.
        p_g: the generator's density p_g(x) at the same points, a tensor of the same shape.

    Returns:
        D*(x) at those points, a tensor of the shape of p_data (elementwise).
    """
    raise NotImplementedError("4.1: return D*(x) at the given points")


def optimal_gan_value():
    """4.1 (symbolic): the value of V(D*, G*) for an optimally trained GAN (p_g = p_data).

    Returns:
        An exact sympy expression (a number, no symbols): for example built with sympy.log. A
        decimal approximation earns half of this check.
    """
    raise NotImplementedError("4.1: return V(D*, G*) as an exact sympy expression")


# ------------------------------------------------------------------------------------------ 4.2
def gan_gradients(W_g: Tensor, W_d: Tensor, x: Tensor, r: Tensor) -> tuple[Tensor, Tensor]:
    """4.2: the gradients of V with respect to the generator's and the discriminator's weights.

    The homework's networks: the generator maps a noise vector x (2 entries) to
    y = ReLU(W_g x) (5 entries); the discriminator maps a vector v (5 entries) to
    D(v) = sigmoid(W_d v), sigmoid(t) = 1 / (1 + exp(-t)). For one noise input x and one real
    sample r,

        V = log D(r) + log(1 - D(ReLU(W_g x))).

    Args:
        W_g: the generator's weights, shape (5, 2).
        W_d: the discriminator's weights, shape (1, 5).
        x: the noise input, shape (2,).
        r: the real sample, shape (5,).
        All float64 tensors; no entry of W_g x is 0 (ReLU's kink is never hit).

    Returns:
        (dV/dW_g, dV/dW_d): tensors of shape (5, 2) and (1, 5) (shape (5,) is accepted for the
        second), entry (i, j) being dV/d(W)_ij, like the `.grad` PyTorch would store. You may
        return the gradients of -V instead (of the discriminator's loss as BCE writes it), but
        then both of them; the two with different signs are graded as wrong. Compute them by
        hand (the chain rule), then check against torch.autograd.
    """
    raise NotImplementedError("4.2: return (dV/dW_g, dV/dW_d)")


# ------------------------------------------------------------------------------------------ 4.3
def generator_grad_wrt_logit(h):
    """4.3 (symbolic): d/dh log(1 - sigmoid(h)), the derivative of the generator's minimax loss
    term with respect to the discriminator's logit h on a generated sample (D = sigmoid(h)).

    Args:
        h: a real sympy Symbol, the logit.

    Returns:
        A sympy expression in h, in any equivalent form written with sympy.exp (sympy has no
        sigmoid: write sigmoid(h) as 1 / (1 + sympy.exp(-h)); forms with tanh may not be
        provable by the grader). It should tend to 0 as h -> -infinity, where the discriminator
        is sure the sample is fake.
    """
    raise NotImplementedError("4.3: return d/dh log(1 - sigmoid(h))")
