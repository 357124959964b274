"""The modified Bessel functions of the first kind, ``i0`` and ``i1``, as primitives.

I0 and I1 solve ``x^2 y'' + x y' - (x^2 + nu^2) y = 0`` for nu = 0 and 1; I0 is even, I1
odd, and ``I0' = I1``, ``I1' = I0 - I1 / x``, so each gradient is built from the two
functions and derivatives of any order exist.

Both are computed in float64 and rounded once to the input's dtype: by the power series
``I_nu(x) = sum_k (x/2)^(2k + nu) / (k! (k + nu)!)`` (every term positive, so nothing
cancels) below ``|x| = 20``, and above it by the asymptotic series
``e^|x| / sqrt(2 pi |x|) sum_k (-1)^k a_k(nu) / |x|^k``, whose terms keep shrinking far
past float64's precision there. As in PyTorch, the result is inf once ``e^|x|`` overflows
the dtype PyTorch computes in (float32 for float16 and float32 inputs), and NaN at +-inf.
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.function import register
from ..tensor import Tensor
from . import elementwise, rounding, selection
from ._util import float_input
from .out_argument import takes_out
from .pointwise import Pointwise

_ASYMPTOTIC_FROM = 20.0
_SERIES_TERMS = 60  # (x/2)^2k / (k! (k+nu)!) is below 1e-17 of the sum by k = 60 at x = 20
_ASYMPTOTIC_TERMS = 20


def _series(nu: int, a: np.ndarray) -> np.ndarray:
    """sum_k (a/2)^(2k + nu) / (k! (k + nu)!), I_nu(a), for 0 <= a <= _ASYMPTOTIC_FROM."""
    half_sq, term = (a / 2) ** 2, (a / 2) ** nu / math.factorial(nu)
    total = term
    for k in range(1, _SERIES_TERMS):
        term = term * half_sq / (k * (k + nu))
        total = total + term
    return total


def _asymptotic_tail(nu: int, a: np.ndarray) -> np.ndarray:
    """``e^-a sqrt(2 pi a) I_nu(a)`` for a >= _ASYMPTOTIC_FROM: the asymptotic series."""
    coefficient, tail = 1.0, np.ones_like(a)
    for k in range(1, _ASYMPTOTIC_TERMS):
        coefficient *= -(4 * nu * nu - (2 * k - 1) ** 2) / (8 * k)
        tail = tail + coefficient / a ** k
    return tail


def _bessel_i(nu: int, x: np.ndarray) -> np.ndarray:
    """I_nu(x) for nu = 0 or 1, of an ndarray, in x's dtype."""
    a = np.abs(x.astype(np.float64))
    with np.errstate(all="ignore"):
        series = _series(nu, np.minimum(a, _ASYMPTOTIC_FROM))
        far = np.maximum(a, _ASYMPTOTIC_FROM)
        work = np.float32 if x.dtype.itemsize <= 4 else np.float64
        limit = math.log(np.finfo(work).max)  # beyond it PyTorch's e^|x| is inf
        growth = np.where(a > limit, np.inf, np.exp(far))
        asymptotic = growth / np.sqrt(2 * math.pi * far) * _asymptotic_tail(nu, far)
        out = np.where(a < _ASYMPTOTIC_FROM, series, asymptotic)
        out = np.where(np.isinf(a), np.nan, out)
        if nu == 1:
            out = np.copysign(out, x.astype(np.float64))
        return out.astype(x.dtype)


def scaled_bessel_i(nu: int, x: np.ndarray) -> np.ndarray:
    """``e^-|x| I_nu(x)`` for nu = 0 or 1, of an ndarray, in x's dtype: 0 at +-inf."""
    a = np.abs(x.astype(np.float64))
    with np.errstate(all="ignore"):
        near = np.minimum(a, _ASYMPTOTIC_FROM)
        far = np.maximum(a, _ASYMPTOTIC_FROM)
        out = np.where(a < _ASYMPTOTIC_FROM, _series(nu, near) * np.exp(-near),
                       _asymptotic_tail(nu, far) / np.sqrt(2 * math.pi * far))
        if nu == 1:
            out = np.copysign(out, x.astype(np.float64))
        return out.astype(x.dtype)


@register("i0")
class I0(Pointwise):
    """z = I0(x), the modified Bessel function of order 0.  dz/dx = I1(x)."""

    compute = staticmethod(lambda x: _bessel_i(0, x))
    saves = "x"
    rules = (lambda g, x, y, z: g * I1.apply(x),)


def _i1_slope(x: Tensor, z: Tensor, scaled: bool = False) -> Tensor:
    """I1'(x) = I0(x) - I1(x) / x; near 0 its Taylor series 1/2 + 3 x^2/16 + 5 x^4/384.
    ``scaled``: ``e^-|x| I1'(x) = i0e(x) - i1e(x) / x`` instead, for z = i1e(x).

    The series takes over below eps^(1/6) of the dtype, where its next term (7 x^6 / 18432)
    is below eps. Near 0, I0 - I1 / x is a difference of two terms of size 1/(2x) whose
    rounding would spoil the second derivative (PyTorch keeps the division only away from
    0 itself, and its second derivative very near 0 is noise)."""
    near = float(np.finfo(x.dtype).eps) ** (1 / 6)
    small = elementwise.abs(x) < near
    safe = selection.where(small, near, x)
    square = x * x
    series = 0.5 + square * (0.1875 + square * (5 / 384))
    if scaled:
        series = series * elementwise.exp(-elementwise.abs(x))
    first = I0e.apply(safe) if scaled else I0.apply(safe)
    return selection.where(small, series, first - z / safe)


@register("i1")
class I1(Pointwise):
    """z = I1(x), the modified Bessel function of order 1.  dz/dx = I0(x) - I1(x) / x
    (its Taylor series near 0)."""

    compute = staticmethod(lambda x: _bessel_i(1, x))
    saves = "xz"
    rules = (lambda g, x, y, z: g * _i1_slope(x, z),)


@register("special_i0e")
class I0e(Pointwise):
    """z = i0e(x) = e^-|x| I0(x).  dz/dx = i1e(x) - sign(x) i0e(x)."""

    compute = staticmethod(lambda x: scaled_bessel_i(0, x))
    saves = "xz"
    rules = (lambda g, x, y, z: g * (I1e.apply(x) - rounding.sign(x) * z),)


@register("special_i1e")
class I1e(Pointwise):
    """z = i1e(x) = e^-|x| I1(x).  dz/dx = i0e(x) - i1e(x) / x - sign(x) i1e(x) (a Taylor
    series for the first two near 0)."""

    compute = staticmethod(lambda x: scaled_bessel_i(1, x))
    saves = "xz"
    rules = (lambda g, x, y, z: g * (_i1_slope(x, z, scaled=True) - rounding.sign(x) * z),)


@takes_out()
def i0(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 0, elementwise (integer
    and bool inputs give the default float dtype); its gradient is `i1`."""
    return I0.apply(float_input("i0", input))


@takes_out()
def i1(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 1 (``torch.special.i1``),
    elementwise; its gradient is ``i0(x) - i1(x) / x``."""
    return I1.apply(float_input("special_i1", input))


@takes_out()
def i0e(input: Tensor) -> Tensor:
    """The exponentially scaled modified Bessel function ``e^-|x| I0(x)``, elementwise,
    which stays finite where I0 overflows; differentiable."""
    return I0e.apply(float_input("special_i0e", input))


@takes_out()
def i1e(input: Tensor) -> Tensor:
    """The exponentially scaled modified Bessel function ``e^-|x| I1(x)``, elementwise;
    differentiable."""
    return I1e.apply(float_input("special_i1e", input))
