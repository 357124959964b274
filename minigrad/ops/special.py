"""Special functions: the error function and softplus, as primitives.

NumPy has neither ``erf`` nor a stable ``log(1 + exp(x))`` with a gradient, and both are
needed by ``nn.functional`` (exact GELU, and the logits form of binary cross-entropy).
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function, register
from ..tensor import Tensor
from . import elementwise
from ._util import float_input

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


def _erf_continued_fraction(x: np.ndarray) -> np.ndarray:
    """erf(x) = 1 - exp(-x^2) / (sqrt(pi) (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))),
    for x >= _SPLIT, evaluated from the innermost level outwards."""
    x = np.minimum(x, 30.0)  # erf is exactly 1.0 in float64 long before this
    f = x.copy()
    for k in range(_TERMS, 0, -1):
        f = x + (k / 2) / f
    return 1.0 - np.exp(-x * x) / (math.sqrt(math.pi) * f)


def erf_array(x: np.ndarray) -> np.ndarray:
    """The error function of an ndarray, accurate to float64 rounding, in x's dtype."""
    a = np.abs(x.astype(np.float64))
    out = np.empty_like(a)
    near = a < _SPLIT
    out[near] = _erf_series(a[near])
    out[~near] = _erf_continued_fraction(a[~near])
    return (np.sign(x) * out).astype(x.dtype, copy=False)


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


def softplus(x: Tensor) -> Tensor:
    """``log(1 + exp(x))`` elementwise, stable for inputs of any size."""
    _check_float(x, "softplus")
    return Softplus.apply(x)


def _check_float(x: Tensor, op: str) -> None:
    if not isinstance(x, Tensor) or x.dtype.kind != "f":
        kind = x.dtype if isinstance(x, Tensor) else type(x).__name__
        raise TypeError(f"{op}: expected a floating point Tensor, got {kind}")
