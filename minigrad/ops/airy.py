"""The Airy function Ai of ``torch.special.airy_ai``, without a gradient (as in PyTorch).

Ai solves ``y'' = x y`` and decays for x > 0; for x < 0 it oscillates. It is computed in
float64 and rounded once, by three methods, each where it is accurate:

- x > 1: ``Ai(x) = sqrt(x / 3) K_(1/3)(zeta) / pi`` with ``zeta = 2/3 x^(3/2)``, the
  scaled K by the trapezoidal integral of `bessel_functions.scaled_k_integral`;
- -10 <= x <= 1: Taylor series of the equation itself around nodes 1/4 apart, whose values
  are marched from ``Ai(0) = 3^(-2/3) / Gamma(2/3)``, ``Ai'(0) = -3^(-1/3) / Gamma(1/3)``
  (the oscillating side is stable to march along; the decaying side is only marched to 1);
- x < -10: the asymptotic expansion
  ``pi^(-1/2) |x|^(-1/4) (sin(theta) P - cos(theta) Q)``, ``theta = zeta + pi/4``,
  whose terms shrink far past float64's precision there.

The edges are PyTorch's: NaN at +-inf, 0 above x = 103.892 and where PyTorch's
``e^zeta`` overflows its dtype (float32 above x of about 26), and for x < -10 the phase
``theta`` rounded in the input's dtype, as PyTorch computes it: at large ``|x|`` that
rounding decides the value (in float32, three digits are gone by x = -1000). PyTorch's own
float64 values carry errors up to 3e-6 just below x = -2.09; these here are float64's
rounding (the tests compare with mpmath).
"""
from __future__ import annotations

import functools
import math

import numpy as np

from .bessel_functions import _public, scaled_k_integral

_TAYLOR_FROM, _TAYLOR_TO = -10.0, 1.0
_STEP = 0.25  # node spacing: a Taylor series runs at most 1/8 from its node
_TAYLOR_TERMS = 30
_ASYMPTOTIC_TERMS = 36  # the terms shrink until k is about 2 zeta >= 42
_ZERO_ABOVE = 103.892  # PyTorch's Ai is 0 beyond it


def _taylor(x0: np.ndarray, value: np.ndarray, slope: np.ndarray,
            h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(y, y')`` at ``x0 + h`` for the solution of ``y'' = x y`` with ``y(x0) = value``,
    ``y'(x0) = slope``: its Taylor coefficients obey ``(n+2)(n+1) a_(n+2) = x0 a_n +
    a_(n-1)``."""
    before, current, following = np.zeros_like(h), value, slope  # a_(n-1), a_n, a_(n+1)
    y, dy, power = value + slope * h, slope, h  # power is h^(n+1)
    for n in range(_TAYLOR_TERMS):
        next_one = (x0 * current + before) / ((n + 2) * (n + 1))
        before, current, following = current, following, next_one
        dy = dy + (n + 2) * following * power
        power = power * h
        y = y + following * power
    return y, dy


@functools.cache
def _nodes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nodes from -10 to 1, with Ai and Ai' there, marched from 0 in steps of 1/4."""
    below, above = round(-_TAYLOR_FROM / _STEP), round(_TAYLOR_TO / _STEP)
    start = (3 ** (-2 / 3) / math.gamma(2 / 3), -(3 ** (-1 / 3)) / math.gamma(1 / 3))
    values, slopes = {0: start[0]}, {0: start[1]}
    for direction, count in ((-1, below), (1, above)):
        value, slope = np.array(start[0]), np.array(start[1])
        for j in range(count):
            value, slope = _taylor(np.array(direction * j * _STEP), value, slope,
                                   np.array(direction * _STEP))
            values[direction * (j + 1)], slopes[direction * (j + 1)] = value, slope
    index = range(-below, above + 1)
    return (np.array(index) * _STEP, np.array([values[j] for j in index], dtype=np.float64),
            np.array([slopes[j] for j in index], dtype=np.float64))


def _near(x: np.ndarray) -> np.ndarray:
    """Ai for -10 <= x <= 1 (float64), by the Taylor series from the nearest node."""
    where, values, slopes = _nodes()
    j = np.clip(np.rint((x - where[0]) / _STEP), 0, len(where) - 1).astype(np.int64)
    return _taylor(where[j], values[j], slopes[j], x - where[j])[0]


def _decaying(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Ai for x > 1 (float64) through K_(1/3), 0 where PyTorch's ``e^zeta`` overflows."""
    zeta = 2 / 3 * x * np.sqrt(x)
    value = np.sqrt(x / 3) / math.pi * np.exp(-zeta) * scaled_k_integral(1 / 3, zeta)
    xs = x.astype(dtype)  # PyTorch divides by 2 x^(1/4) e^zeta computed in its dtype
    overflow = np.isinf(2 * np.sqrt(np.sqrt(xs)) * np.exp(2 * xs * np.sqrt(xs) / 3))
    return np.where(overflow | (x > _ZERO_ABOVE), 0.0, value)


def _oscillating(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Ai for x < -10 (float64) by the asymptotic expansion, the phase in ``dtype``."""
    a = -x
    zeta = 2 / 3 * a * np.sqrt(a)
    inverse = 1 / zeta
    p, q, term = np.ones_like(a), np.zeros_like(a), np.ones_like(a)
    for k in range(1, _ASYMPTOTIC_TERMS):  # u_k / zeta^k, u_k = u_(k-1) (6k-5)(6k-3)(6k-1)
        term = term * inverse * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k)
        if k % 2:
            q = q + term * (-1) ** (k // 2)
        else:
            p = p + term * (-1) ** (k // 2)
    xs = x.astype(dtype)
    theta = (-2 * xs * np.sqrt(-xs) / dtype.type(3) + dtype.type(0.25 * math.pi))
    theta = theta.astype(np.float64)
    return (np.sin(theta) * p - np.cos(theta) * q) / (math.sqrt(math.pi) * np.sqrt(np.sqrt(a)))


def _airy_ai(x: np.ndarray) -> np.ndarray:
    """Ai of a float32 or float64 array, in float64."""
    wide = x.astype(np.float64)
    finite = np.isfinite(wide)
    low, high = wide < _TAYLOR_FROM, wide > _TAYLOR_TO
    near = _near(np.clip(np.where(finite, wide, 0.0), _TAYLOR_FROM, _TAYLOR_TO))
    far_left = _oscillating(np.where(low & finite, wide, 2 * _TAYLOR_FROM), x.dtype)
    far_right = _decaying(np.where(high & finite, wide, 2 * _TAYLOR_TO), x.dtype)
    value = np.where(low, far_left, np.where(high, far_right, near))
    return np.where(finite, value, np.nan)


airy_ai = _public("airy_ai", _airy_ai, "The Airy function Ai (``torch.special.airy_ai``)",
                  in_float64=False)
