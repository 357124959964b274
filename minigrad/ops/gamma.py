"""The gamma family: ``lgamma``, ``digamma`` and ``polygamma``, each the derivative of the
one before, as primitives, and ``mvlgamma`` built on ``lgamma``.

``lgamma`` is the C library's (through ``math.lgamma``, as PyTorch's), with +inf at the
poles 0, -1, -2, ... ``polygamma(n, x)``, the n-th derivative of ``digamma``, moves x up
by its recurrence until an asymptotic series is accurate to float64 rounding; ``digamma``
and trigamma (n = 0, 1) reflect negative x first, as PyTorch does. Each gradient is the
next member of the family, so derivatives of any order exist.
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function, register
from ..internal import wrap
from ..tensor import Tensor
from ._util import float_input
from .movement import unsqueeze
from .out_argument import takes_out
from .pointwise import Pointwise

# the Bernoulli numbers B_2k, k = 1..10: digamma(x) ~ log x - 1/(2x) - sum B_2k / (2k x^2k)
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330)
_ASYMPTOTIC_FROM = 20.0  # x at which the series (10 terms) reaches float64 rounding
_MAX_SHIFT = 1_000       # recurrence steps at most (for n >= 2, x below -1000 gives NaN)

_lgamma_scalar = np.frompyfunc(math.lgamma, 1, 1)


def lgamma_array(x: np.ndarray) -> np.ndarray:
    """log |gamma(x)| of an ndarray, in x's dtype: +inf at 0 and the negative integers."""
    a = np.asarray(x, dtype=np.float64)
    pole = (a <= 0) & (a == np.floor(a))
    out = np.full(a.shape, np.inf)
    out[~pole] = _lgamma_scalar(a[~pole]).astype(np.float64)
    return out.astype(x.dtype, copy=False)


def _shift_up(x: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """x moved up to at least _ASYMPTOTIC_FROM, and the sum of the terms the recurrence
    psi_n(x) = psi_n(x + 1) - (-1)^n n! / x^(n+1) takes off on the way (infinite x, and x
    below -_MAX_SHIFT, are not moved)."""
    movable = np.isfinite(x) & (x >= -_MAX_SHIFT)
    steps = np.where(movable, np.clip(np.ceil(_ASYMPTOTIC_FROM - np.where(movable, x, 0)),
                                      0, None), 0)
    total = np.zeros_like(x)
    for k in range(int(steps.max(initial=0))):
        total = total + np.where(k < steps, 1.0 / (x + k) ** (n + 1), 0.0)
    return x + steps, (-1) ** n * math.factorial(n) * total


def _asymptotic(x: np.ndarray, n: int) -> np.ndarray:
    """psi_n(x) for large x from the series of digamma, differentiated n times."""
    if n == 0:
        inv2 = 1.0 / (x * x)
        series = sum(b / (2 * k) * inv2 ** k for k, b in enumerate(_BERNOULLI, start=1))
        return np.log(x) - 0.5 / x - series
    sign = (-1) ** (n + 1)
    out = math.factorial(n - 1) / x ** n + math.factorial(n) / (2 * x ** (n + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        out = out + b / (2 * k) * math.factorial(2 * k + n - 1) / math.factorial(2 * k - 1) \
            / x ** (2 * k + n)
    return sign * out


def polygamma_array(n: int, x: np.ndarray) -> np.ndarray:
    """The n-th derivative of digamma, of an ndarray, in x's dtype, with PyTorch's values
    at the poles 0, -1, -2, ... and at +-inf.

    Digamma and trigamma (n = 0, 1) reflect x < 1/2 to 1 - x first:
    psi(x) = psi(1 - x) - pi / tan(pi x) and psi_1(x) = pi^2 / sin^2(pi x) - psi_1(1 - x).
    """
    a = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        reflect = (n <= 1) & (a < 0.5)
        z = np.where(reflect, 1.0 - a, a)
        shifted, removed = _shift_up(z, n)
        out = _asymptotic(shifted, n) - removed
        # the reflection terms in x's own precision, as PyTorch computes them: near (and
        # at) the negative integers sin(pi x) is a rounding error of that precision
        work = np.promote_types(x.dtype, np.float32)
        pi, w = work.type(math.pi), a.astype(work)
        if n == 0:
            out = np.where(reflect, out - (pi / np.tan(pi * w)).astype(np.float64), out)
        elif n == 1:
            s = np.sin(pi * w)
            out = np.where(reflect, (pi * pi / (s * s)).astype(np.float64) - out, out)
        if n >= 2:
            out = np.where(a < -_MAX_SHIFT, np.nan, out)
        pole = (a <= 0) & (a == np.floor(a))
        if n == 0:  # -inf at +0, +inf at -0, NaN at the negative integers
            out = np.where(pole, np.where(a == 0, np.where(np.signbit(a), np.inf, -np.inf),
                                          np.nan), out)
        elif n >= 2:  # an infinity of the sign of (-1)^(n+1) at the poles and at -inf
            infinity = np.inf if n % 2 else -np.inf
            out = np.where(pole | (a == -np.inf), infinity, np.where(a == np.inf, np.nan, out))
    return out.astype(x.dtype, copy=False)


@register("lgamma")
class Lgamma(Pointwise):
    """z = log |gamma(x)|.  dz/dx = digamma(x)."""

    compute = staticmethod(lgamma_array)
    saves = "x"
    rules = (lambda g, x, y, z: g * digamma(x),)


@register("polygamma")
class Polygamma(Function):
    """z = psi_n(x), the n-th derivative of digamma (digamma itself for n = 0).
    dz/dx = psi_(n+1)(x)."""

    @staticmethod
    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        return polygamma_array(n, x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * Polygamma.apply(x, ctx.n + 1), None


@takes_out()
def lgamma(input: Tensor) -> Tensor:
    """``log |gamma(input)|``; +inf at 0 and the negative integers."""
    return Lgamma.apply(float_input("lgamma", input))


@takes_out()
def digamma(input: Tensor) -> Tensor:
    """The logarithmic derivative of gamma, ``gamma'(x) / gamma(x)``: -inf at 0, NaN at
    the negative integers, as in PyTorch."""
    return Polygamma.apply(float_input("digamma", input), 0)


@takes_out()
def mvlgamma(input: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma function of dimension ``p``:
    ``p (p - 1) / 4 log(pi) + sum_j lgamma(input - j / 2)``, j = 0 .. p - 1 (finite where
    every element is greater than ``(p - 1) / 2``)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"mvlgamma(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dtype == np.bool_:
        raise RuntimeError("mvlgamma: The input tensor may not be a boolean tensor.")
    if p < 1:
        raise RuntimeError("mvlgamma: p has to be greater than or equal to 1")
    x = float_input("mvlgamma", input)
    # PyTorch's order: the offsets -(p - 1) / 2, ..., -1/2, 0, each plus x
    offsets = wrap(np.arange(-p * 0.5 + 0.5, 0.5, 0.5).astype(x.dtype))
    return lgamma(offsets + unsqueeze(x, -1)).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


@takes_out()
def polygamma(n: int, input: Tensor) -> Tensor:
    """The ``n``-th derivative of digamma (``n >= 0``)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"polygamma: argument 'n' must be int, not {type(n).__name__}")
    if not isinstance(input, Tensor):
        raise TypeError(f"polygamma(): argument 'input' (position 2) must be Tensor, not "
                        f"{type(input).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return Polygamma.apply(float_input("polygamma", input), int(n))
