"""Special functions: the error function, its complement, and softplus, as primitives.

NumPy has neither ``erf`` nor a stable ``log(1 + exp(x))`` with a gradient, and both are
needed by ``nn.functional`` (exact GELU, and the logits form of binary cross-entropy).
``erfc`` is computed directly where ``1 - erf`` would lose its digits (large x).
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function, register
from ..tensor import Tensor
from . import elementwise
from ._util import float_input
from .pointwise import Pointwise

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SPLIT = 2.5     # below: power series; above: continued fraction
_TERMS = 40      # enough for both to reach float64 rounding error on their side of _SPLIT


def _erf_series(x: np.ndarray) -> np.ndarray:
    """erf(x) = 2/sqrt(pi) exp(-x^2) sum_n (2x^2)^n x / (1 * 3 * ... * (2n+1)), for x >= 0.

    Every term is positive, so nothing cancels; Horner's rule sums it from the inside out.
    """
    y = 2.0 * x * x
    acc = np.ones_like(x)
    for n in range(_TERMS, 0, -1):
        acc = 1.0 + acc * y / (2 * n + 1)
    return _TWO_OVER_SQRT_PI * x * np.exp(-x * x) * acc


def _erfc_continued_fraction(x: np.ndarray) -> np.ndarray:
    """erfc(x) = exp(-x^2) / (sqrt(pi) (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))),
    for x >= _SPLIT, evaluated from the innermost level outwards."""
    x = np.minimum(x, 30.0)  # erfc(30) is 0.0 in float64
    f = x.copy()
    for k in range(_TERMS, 0, -1):
        f = x + (k / 2) / f
    return np.exp(-x * x) / (math.sqrt(math.pi) * f)


def erf_array(x: np.ndarray) -> np.ndarray:
    """The error function of an ndarray, accurate to float64 rounding, in x's dtype."""
    a = np.abs(x.astype(np.float64))
    out = np.empty_like(a)
    near = a < _SPLIT
    out[near] = _erf_series(a[near])
    out[~near] = 1.0 - _erfc_continued_fraction(a[~near])
    return (np.sign(x) * out).astype(x.dtype, copy=False)


def erfc_array(x: np.ndarray) -> np.ndarray:
    """The complementary error function ``1 - erf(x)`` of an ndarray, in x's dtype, with
    full relative accuracy where it is tiny (large positive x)."""
    a = x.astype(np.float64)
    out = np.array(1.0 - erf_array(a))  # an array even when 0-d
    far = a >= _SPLIT
    out[far] = _erfc_continued_fraction(a[far])
    return out.astype(x.dtype, copy=False)


@register("erf")
class Erf(Function):
    """z = erf(x) = 2/sqrt(pi) int_0^x exp(-t^2) dt.  dz/dx = 2/sqrt(pi) exp(-x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erf_array(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * _TWO_OVER_SQRT_PI * elementwise.exp(-(x * x))


@register("erfc")
class Erfc(Pointwise):
    """z = erfc(x) = 1 - erf(x).  dz/dx = -2/sqrt(pi) exp(-x^2)."""

    compute = staticmethod(erfc_array)
    saves = "x"
    rules = (lambda g, x, y, z: g * -_TWO_OVER_SQRT_PI * elementwise.exp(-(x * x)),)


@register("softplus")
class Softplus(Function):
    """z = log(1 + exp(x)), computed without overflow.  dz/dx = sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * elementwise.sigmoid(x)


def erf(x: Tensor) -> Tensor:
    """The error function, elementwise (integer inputs give the default float dtype)."""
    return Erf.apply(float_input("erf", x))


def erfc(input: Tensor) -> Tensor:
    """The complementary error function ``1 - erf(input)``, accurate where it is tiny."""
    return Erfc.apply(float_input("erfc", input))


def softplus(x: Tensor) -> Tensor:
    """``log(1 + exp(x))`` elementwise, stable for inputs of any size."""
    _check_float(x, "softplus")
    return Softplus.apply(x)


def _check_float(x: Tensor, op: str) -> None:
    if not isinstance(x, Tensor) or x.dtype.kind != "f":
        kind = x.dtype if isinstance(x, Tensor) else type(x).__name__
        raise TypeError(f"{op}: expected a floating point Tensor, got {kind}")
