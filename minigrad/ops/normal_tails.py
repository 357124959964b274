"""The scaled complementary error function ``erfcx`` and the two functions of the standard
normal distribution that need it in their tails, ``log_ndtr`` and ``ndtri``, as
primitives.

``erfcx(x) = exp(x^2) erfc(x)`` stays near ``1 / (sqrt(pi) x)`` where erfc underflows: for
x >= 1 it is the continued fraction of `minigrad.ops.special` without its exponential.
``log_ndtr(x) = log Phi(x)`` is ``log(erfcx(-x / sqrt(2)) / 2) - x^2 / 2`` in the lower tail
(no underflow) and ``log1p(-erfc(x / sqrt(2)) / 2)`` elsewhere. ``ndtri``, the inverse of
Phi, is ``sqrt(2) erfinv(2p - 1)`` for p within 1/4 of 1/2; in the tails it starts from
the rational guess of Abramowitz and Stegun (26.2.23, good to 5e-4) in the
smaller tail and refines it by Newton's method on ``log Phi(x) = log p``, whose slope
``phi(x) / Phi(x) = sqrt(2 / pi) / erfcx(-x / sqrt(2))`` never underflows. All three are
computed in float64 and rounded once; as in PyTorch they have no float16 kernel.
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.function import register
from ..tensor import Tensor
from . import elementwise
from ._util import float_input
from .out_argument import takes_out
from .pointwise import Pointwise
from .special import erfc_array, erfc_fraction, erfinv_array

_SQRT_HALF = math.sqrt(0.5)
_SQRT_TWO_OVER_PI = math.sqrt(2 / math.pi)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_SQRT_TWO_PI = math.sqrt(2 * math.pi)
_GUESS_NUMERATOR = (0.010328, 0.802853, 2.515517)  # highest degree first
_GUESS_DENOMINATOR = (0.001308, 0.189269, 1.432788, 1.0)
_NEWTON_STEPS = 6  # from 5e-4 quadratic convergence passes float64's rounding by step 3


def _erfcx64(a: np.ndarray) -> np.ndarray:
    """erfcx of a float64 array."""
    out = np.array(np.exp(a * a) * erfc_array(a))  # an array even when 0-d
    far = a >= 1.0
    out[far] = 1.0 / (math.sqrt(math.pi) * erfc_fraction(a[far]))
    return out


def _log_ndtr64(a: np.ndarray) -> np.ndarray:
    """log Phi of a float64 array."""
    lower = np.log(_erfcx64(-a * _SQRT_HALF) / 2) - a * a / 2
    return np.where(a < -1.0, lower, np.log1p(-erfc_array(a * _SQRT_HALF) / 2))


def _ndtri64(p: np.ndarray) -> np.ndarray:
    """The inverse of Phi of a float64 array: -inf at 0, inf at 1, NaN outside [0, 1]."""
    q = np.minimum(p, 1.0 - p)  # the smaller tail (1 - p is exact for p >= 1/2)
    target = np.log(q)
    t = np.sqrt(-2.0 * target)
    x = np.polyval(_GUESS_NUMERATOR, t) / np.polyval(_GUESS_DENOMINATOR, t) - t
    for _ in range(_NEWTON_STEPS):
        slope = _SQRT_TWO_OVER_PI / _erfcx64(-x * _SQRT_HALF)
        step = (_log_ndtr64(x) - target) / slope
        x = np.where(np.isfinite(step), x - step, x)
    x = np.where(p > 0.5, -x, x)
    central = np.abs(p - 0.5) < 0.25  # where 2p - 1 is exact and log Phi too flat to invert
    x = np.where(central, math.sqrt(2) * erfinv_array(2 * p - 1), x)
    edges = [(p == 0, -np.inf), (p == 1, np.inf), ((p < 0) | (p > 1) | np.isnan(p), np.nan)]
    return np.select([c for c, _ in edges], [v for _, v in edges], x)


def _in_dtype(function):
    """``function`` of a float64 array, applied to ``x`` and rounded back to its dtype."""
    return lambda x: function(x.astype(np.float64)).astype(x.dtype, copy=False)


@register("special_erfcx")
class Erfcx(Pointwise):
    """z = erfcx(x) = exp(x^2) erfc(x).  dz/dx = 2 x z - 2 / sqrt(pi)."""

    compute = staticmethod(_in_dtype(_erfcx64))
    saves = "xz"
    rules = (lambda g, x, y, z: g * (2 * x * z - _TWO_OVER_SQRT_PI),)


@register("special_log_ndtr")
class LogNdtr(Pointwise):
    """z = log Phi(x).  dz/dx = phi(x) / Phi(x) = sqrt(2 / pi) / erfcx(-x / sqrt(2))."""

    compute = staticmethod(_in_dtype(_log_ndtr64))
    saves = "x"
    rules = (lambda g, x, y, z: g * _SQRT_TWO_OVER_PI / Erfcx.apply(x * -_SQRT_HALF),)


@register("special_ndtri")
class Ndtri(Pointwise):
    """z = Phi^-1(x).  dz/dx = sqrt(2 pi) exp(z^2 / 2)."""

    compute = staticmethod(_in_dtype(_ndtri64))
    saves = "z"
    rules = (lambda g, x, y, z: g * _SQRT_TWO_PI * elementwise.exp(z * z / 2),)


def no_half_input(op: str, input: Tensor) -> Tensor:
    """`float_input`, refusing float16 as PyTorch's CPU kernels of these functions do."""
    x = float_input(f"special_{op}", input)
    if x.dtype == np.float16:
        raise NotImplementedError(f"\"{op}_cpu\" not implemented for 'Half' (input of shape "
                                  f"{tuple(x.shape)})")
    return x


@takes_out()
def erfcx(input: Tensor) -> Tensor:
    """The scaled complementary error function ``exp(x^2) erfc(x)``, elementwise."""
    return Erfcx.apply(no_half_input("erfcx", input))


@takes_out()
def log_ndtr(input: Tensor) -> Tensor:
    """The logarithm of the standard normal distribution function, accurate far into the
    lower tail (``log_ndtr(-800)`` is about -320007.6)."""
    return LogNdtr.apply(no_half_input("log_ndtr", input))


@takes_out()
def ndtri(input: Tensor) -> Tensor:
    """The inverse of the standard normal distribution function (the quantile): -inf at 0,
    inf at 1 and NaN outside [0, 1]."""
    return Ndtri.apply(no_half_input("ndtri", input))
