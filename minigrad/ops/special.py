"""Special functions: the error function, its complement and its inverse, and softplus,
as primitives.

NumPy has neither ``erf`` nor a stable ``log(1 + exp(x))`` with a gradient, and both are
needed by ``nn.functional`` (exact GELU, and the logits form of binary cross-entropy).
``erfc`` is computed directly where ``1 - erf`` would lose its digits (large x);
``erfinv`` refines a float32-accurate guess by Newton's method on ``erf`` or ``erfc``.
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function, register
from ..tensor import Tensor
from . import elementwise
from ._util import float_input
from .out_argument import takes_out
from .pointwise import Pointwise

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SPLIT = 2.5     # below: power series; above: continued fraction
_TERMS = 40      # enough for both to reach float64 rounding error on their side of _SPLIT
_ERFC_TERMS = 200  # enough for the continued fraction to reach it from x = 1 on


def _erf_series(x: np.ndarray) -> np.ndarray:
    """erf(x) = 2/sqrt(pi) exp(-x^2) sum_n (2x^2)^n x / (1 * 3 * ... * (2n+1)), for x >= 0.

    Every term is positive, so nothing cancels; Horner's rule sums it from the inside out.
    """
    y = 2.0 * x * x
    acc = np.ones_like(x)
    for n in range(_TERMS, 0, -1):
        acc = 1.0 + acc * y / (2 * n + 1)
    return _TWO_OVER_SQRT_PI * x * np.exp(-x * x) * acc


def _erfc_continued_fraction(x: np.ndarray, terms: int = _TERMS) -> np.ndarray:
    """erfc(x) = exp(-x^2) / (sqrt(pi) (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))),
    for x >= _SPLIT (or >= 1 with _ERFC_TERMS), evaluated from the innermost level
    outwards."""
    x = np.minimum(x, 30.0)  # erfc(30) is 0.0 in float64
    return np.exp(-x * x) / (math.sqrt(math.pi) * erfc_fraction(x, terms))


def erfc_fraction(x: np.ndarray, terms: int = _ERFC_TERMS) -> np.ndarray:
    """The continued fraction ``x + (1/2) / (x + 1 / (x + (3/2) / ...))`` (for x >= 1),
    so that ``erfc(x) = exp(-x^2) / (sqrt(pi) * erfc_fraction(x))``."""
    f = x.copy()
    for k in range(terms, 0, -1):
        f = x + (k / 2) / f
    return f


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
    far = a >= 1.0  # where 1 - erf would lose digits; the fraction converges slower here
    out[far] = _erfc_continued_fraction(a[far], _ERFC_TERMS)
    return out.astype(x.dtype, copy=False)


# M. Giles, "Approximating the erfinv function" (2010): erfinv(y) ~ y p(w) with
# w = -log(1 - y^2), accurate to float32 (for 1 - |y| down to float32's epsilon; a start
# for Newton's method below that); coefficients highest degree first.
_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                  0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
               0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)
_NEWTON_STEPS = 4  # each about doubles the correct digits: float32's 7 become float64's 16


def erfinv_array(y: np.ndarray) -> np.ndarray:
    """The inverse error function of an ndarray, in y's dtype: +-inf at +-1, NaN outside
    [-1, 1]."""
    a = np.abs(y.astype(np.float64))
    with np.errstate(all="ignore"):
        w = -np.log((1.0 - a) * (1.0 + a))
        central = w < 5.0
        x = np.where(central, np.polyval(_GILES_CENTRAL, w - 2.5),
                     np.polyval(_GILES_TAIL, np.sqrt(w) - 3.0)) * a
        # Newton on erf(x) = a in the middle; near 1, where erf(x) is too close to 1 to
        # tell neighbouring x apart, on log erfc(x) = log(1 - a) (1 - a is exact there,
        # and log erfc is close to -x^2, so the steps converge from a far guess too).
        near_one = a > 0.5
        target = np.log(1.0 - a)
        for _ in range(_NEWTON_STEPS):
            slope = _TWO_OVER_SQRT_PI * np.exp(-x * x)
            tail = erfc_array(x)
            step = np.where(near_one, (target - np.log(tail)) * tail / slope,
                            (erf_array(x) - a) / slope)
            x = np.where(np.isfinite(step), x - step, x)
        x = np.where(a == 1.0, np.inf, np.where(a > 1.0, np.nan, x))
    return np.copysign(x, y).astype(y.dtype, copy=False)


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


_HALF_SQRT_PI = 0.5 * math.sqrt(math.pi)


@register("erfinv")
class Erfinv(Pointwise):
    """z = erfinv(x), the y with erf(y) = x.  dz/dx = sqrt(pi)/2 exp(erfinv(x)^2)."""

    compute = staticmethod(erfinv_array)
    saves = "x"
    rules = (lambda g, x, y, z: _HALF_SQRT_PI * elementwise.exp(erfinv(x) ** 2) * g,)


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


@takes_out()
def erf(x: Tensor) -> Tensor:
    """The error function, elementwise (integer inputs give the default float dtype)."""
    return Erf.apply(float_input("erf", x))


@takes_out()
def erfc(input: Tensor) -> Tensor:
    """The complementary error function ``1 - erf(input)``, accurate where it is tiny."""
    return Erfc.apply(float_input("erfc", input))


@takes_out()
def erfinv(input: Tensor) -> Tensor:
    """The inverse error function: ``erfinv(erf(x)) = x``; +-inf at +-1, NaN outside
    [-1, 1]."""
    return Erfinv.apply(float_input("erfinv", input))


def softplus(x: Tensor) -> Tensor:
    """``log(1 + exp(x))`` elementwise, stable for inputs of any size."""
    _check_float(x, "softplus")
    return Softplus.apply(x)


def _check_float(x: Tensor, op: str) -> None:
    if not isinstance(x, Tensor) or x.dtype.kind != "f":
        kind = x.dtype if isinstance(x, Tensor) else type(x).__name__
        raise TypeError(f"{op}: expected a floating point Tensor, got {kind}")
