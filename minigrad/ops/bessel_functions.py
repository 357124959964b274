"""The Bessel functions of ``torch.special`` that have no gradient there: J0, J1 (first
kind), Y0, Y1 (second kind), the modified I0, I1, K0, K1 (and e^x K0, e^x K1), and the
spherical j0 = sin(x) / x. Their results are constants, as PyTorch's are.

All are computed in float64 and rounded once. J and Y: power series below |x| = 2; up to
|x| = 25 Miller's backward recurrence ``J_(k-1) = (2k / x) J_k - J_(k+1)`` from a tiny
start far above x, normalised by ``J_0 + 2 (J_2 + J_4 + ...) = 1``, with Y0 and Y1 from
Neumann's series in the same J_k; beyond, Hankel's asymptotic expansion. K below x = 1:
its power series; above, ``e^x K_nu(x) = int_0^inf exp(-x (cosh t - 1)) cosh(nu t) dt``
by the trapezoidal rule, which converges geometrically for this smooth, fast-decaying
integrand (with t scaled by 1 / sqrt(x), so that large x needs no more points).
Edge values (0, negative x, +-inf) are PyTorch's.
"""
from __future__ import annotations

import math

import numpy as np

from ..internal import array_of, wrap
from ..tensor import Tensor
from .bessel import _bessel_i, _series
from .normal_tails import no_half_input
from .out_argument import takes_out

_EULER = 0.5772156649015329
_SERIES_BELOW = 2.0
_HANKEL_FROM = 25.0
_MILLER_START = 80  # far enough above x <= 25 for float64
_TERMS = 30
_STEP, _NODES = 0.2, 60  # trapezoid in s = t sqrt(x): step and count (s up to 12)


def _small_j_y(a: np.ndarray) -> tuple[np.ndarray, ...]:
    """J0, J1, Y0, Y1 at 0 < a < 2 by their power series in t = a^2 / 4."""
    t = a * a / 4
    log_term = np.log(a / 2) + _EULER
    j0 = j1 = y0 = y1 = 0.0
    even, odd, harmonic = np.ones_like(a), a / 2, 0.0  # (-t)^k / k!^2, (a/2)(-t)^k / (k!(k+1)!)
    for k in range(_TERMS):
        j0, j1 = j0 + even, j1 + odd
        if k:
            y0 = y0 - harmonic * even
        y1 = y1 + (2 * harmonic - 2 * _EULER + 1 / (k + 1)) * odd
        harmonic += 1 / (k + 1)
        even, odd = even * -t / (k + 1) ** 2, odd * -t / ((k + 1) * (k + 2))
    y0 = 2 / math.pi * (log_term * j0 + y0)
    y1 = -2 / (math.pi * a) + 2 / math.pi * np.log(a / 2) * j1 - y1 / math.pi
    return j0, j1, y0, y1


def _miller_j_y(a: np.ndarray) -> tuple[np.ndarray, ...]:
    """J0, J1, Y0, Y1 at 2 <= a <= 25 by Miller's recurrence and Neumann's series."""
    above, current = np.zeros_like(a), np.full_like(a, 1e-30)
    norm, y0_sum, y1_sum = np.zeros_like(a), np.zeros_like(a), np.zeros_like(a)
    values = {_MILLER_START + 1: above, _MILLER_START: current}
    for k in range(_MILLER_START, 0, -1):
        above, current = current, 2 * k / a * current - above
        values[k - 1] = current
    for k in range(1, _MILLER_START // 2):
        sign = (-1) ** k
        norm = norm + 2 * values[2 * k]
        y0_sum = y0_sum + sign * values[2 * k] / k
        y1_sum = y1_sum + sign * (values[2 * k - 1] - values[2 * k + 1]) / k
    norm = norm + values[0]
    j0, j1 = values[0] / norm, values[1] / norm
    log_term = np.log(a / 2) + _EULER
    y0 = 2 / math.pi * (log_term * j0 - 2 * y0_sum / norm)
    y1 = 2 / math.pi * (log_term * j1 - j0 / a + y1_sum / norm)
    return j0, j1, y0, y1


def _hankel(nu: int, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """J_nu and Y_nu at a >= 25 by Hankel's expansion in P and Q."""
    mu = 4 * nu * nu
    p, q, term = np.ones_like(a), np.zeros_like(a), np.ones_like(a)
    for k in range(1, 2 * _TERMS):
        term = term * (mu - (2 * k - 1) ** 2) / (8 * k * a)
        if k % 2:
            q = q + term * (-1) ** (k // 2)
        else:
            p = p + term * (-1) ** (k // 2)
    chi = a - (0.25 + nu / 2) * math.pi
    amplitude = np.sqrt(2 / (math.pi * a))
    return (amplitude * (p * np.cos(chi) - q * np.sin(chi)),
            amplitude * (p * np.sin(chi) + q * np.cos(chi)))


def _j_y(a: np.ndarray) -> tuple[np.ndarray, ...]:
    """J0, J1, Y0, Y1 at finite a > 0, each method where it is accurate."""
    small, far = a < _SERIES_BELOW, a > _HANKEL_FROM
    parts = [_small_j_y(np.where(small, a, 1.0)), _miller_j_y(np.clip(a, 2.0, 25.0)),
             _hankel(0, np.maximum(a, 25.0)) + _hankel(1, np.maximum(a, 25.0))]
    hankel = (parts[2][0], parts[2][2], parts[2][1], parts[2][3])
    return tuple(np.where(small, s, np.where(far, h, m))
                 for s, m, h in zip(parts[0], parts[1], hankel))


def _first_kind(nu: int, x: np.ndarray) -> np.ndarray:
    a = np.abs(x)
    value = _j_y(np.where((a > 0) & np.isfinite(a), a, 1.0))[nu]
    if nu:
        value = np.where(x < 0, -value, value)
    value = np.where(a == 0, x if nu else 1.0, value)  # J1(-0) is -0
    return np.where(np.isfinite(x), value, np.nan)


def _second_kind(nu: int, x: np.ndarray) -> np.ndarray:
    value = _j_y(np.where((x > 0) & np.isfinite(x), x, 1.0))[2 + nu]
    return np.where(x == 0, -np.inf, np.where((x > 0) & np.isfinite(x), value, np.nan))


def _scaled_k(nu: int, x: np.ndarray) -> np.ndarray:
    """e^x K_nu(x) at finite x > 0."""
    small = x <= 1
    t = np.where(small, x, 1.0)
    i_nu = _series(nu, t)
    log_term = np.log(t / 2) + _EULER
    quarter = t * t / 4
    total, term, harmonic = np.zeros_like(t), np.ones_like(t), 0.0
    for k in range(_TERMS):  # K0: sum H_k q^k / k!^2; K1: sum (H_k + H_(k+1)) q^k / (k!(k+1)!)
        weight = harmonic + (harmonic + 1 / (k + 1) if nu else 0.0)
        total = total + weight * term / (k + 1 if nu else 1)
        harmonic += 1 / (k + 1)
        term = term * quarter / (k + 1) ** 2
    # K0 = -(log(x/2) + gamma) I0 + sum ...; K1 = 1/x + (log(x/2) + gamma) I1 - x/4 sum ...
    series = 1 / t + log_term * i_nu - t / 4 * total if nu else -log_term * i_nu + total
    return np.where(small, series * np.exp(t), scaled_k_integral(nu, x))


def scaled_k_integral(nu: float, x: np.ndarray) -> np.ndarray:
    """``e^x K_nu(x) = int_0^inf exp(-x (cosh t - 1)) cosh(nu t) dt`` for any real order
    ``nu``, by the trapezoidal rule (to float64 rounding for x >= 1/2, where it is used)."""
    sigma = 1 / np.sqrt(np.maximum(x, 1.0))
    s = np.arange(_NODES) * _STEP
    tt = s[:, None] * sigma.ravel()[None, :]
    f = np.exp(-x.ravel() * 2 * np.sinh(tt / 2) ** 2) * np.cosh(nu * tt)
    f[0] /= 2
    return (sigma.ravel() * _STEP * f.sum(0)).reshape(x.shape)


def _modified_second_kind(nu: int, x: np.ndarray, scaled: bool) -> np.ndarray:
    ok = (x > 0) & np.isfinite(x)
    value = _scaled_k(nu, np.where(ok, x, 1.0))
    if not scaled:
        value = value * np.exp(-np.where(ok, x, 0.0))
    return np.where(x == 0, np.inf, np.where(x == np.inf, 0.0, np.where(ok, value, np.nan)))


def _spherical_j0(x: np.ndarray) -> np.ndarray:
    square = x * x
    series = 1 - square / 6 * (1 - square / 20)
    value = np.sin(x) / np.where(np.abs(x) < 1e-4, 1.0, x)
    return np.where(np.isinf(x), 0.0, np.where(np.abs(x) < 1e-4, series, value))


def _constant(op: str, function, input: Tensor) -> Tensor:
    """``function`` of ``input``'s values, rounded to its float dtype, as a
    tensor outside the graph (these functions have no gradient in PyTorch)."""
    x = no_half_input(op, input)
    with np.errstate(all="ignore"):
        out = function(array_of(x))
    return wrap(np.asarray(np.asarray(out, dtype=np.float64).astype(x.dtype), order="C"))


def _public(op: str, function, summary: str, in_float64: bool = True):
    """The public function: ``function`` of the values (cast to float64 first unless
    ``in_float64`` is False: ``_bessel_i`` overflows where PyTorch's dtype does)."""
    if in_float64:
        function = (lambda f: lambda x: f(x.astype(np.float64)))(function)

    @takes_out()
    def special_function(input: Tensor) -> Tensor:
        return _constant(op, function, input)
    special_function.__name__ = special_function.__qualname__ = op
    special_function.__doc__ = (f"{summary}, elementwise (integer inputs give the default "
                                "float dtype). No gradient, as in PyTorch.")
    return special_function


bessel_j0 = _public("bessel_j0", lambda x: _first_kind(0, x),
                    "The Bessel function of the first kind of order 0")
bessel_j1 = _public("bessel_j1", lambda x: _first_kind(1, x),
                    "The Bessel function of the first kind of order 1")
bessel_y0 = _public("bessel_y0", lambda x: _second_kind(0, x),
                    "The Bessel function of the second kind of order 0 (NaN for x < 0)")
bessel_y1 = _public("bessel_y1", lambda x: _second_kind(1, x),
                    "The Bessel function of the second kind of order 1 (NaN for x < 0)")
modified_bessel_i0 = _public("modified_bessel_i0", lambda x: _bessel_i(0, x),
                             "The modified Bessel function of the first kind of order 0",
                             in_float64=False)
modified_bessel_i1 = _public("modified_bessel_i1", lambda x: _bessel_i(1, x),
                             "The modified Bessel function of the first kind of order 1",
                             in_float64=False)
modified_bessel_k0 = _public("modified_bessel_k0",
                             lambda x: _modified_second_kind(0, x, scaled=False),
                             "The modified Bessel function of the second kind of order 0")
modified_bessel_k1 = _public("modified_bessel_k1",
                             lambda x: _modified_second_kind(1, x, scaled=False),
                             "The modified Bessel function of the second kind of order 1")
scaled_modified_bessel_k0 = _public("scaled_modified_bessel_k0",
                                    lambda x: _modified_second_kind(0, x, scaled=True),
                                    "``e^x K0(x)``, the scaled modified Bessel function")
scaled_modified_bessel_k1 = _public("scaled_modified_bessel_k1",
                                    lambda x: _modified_second_kind(1, x, scaled=True),
                                    "``e^x K1(x)``, the scaled modified Bessel function")
spherical_bessel_j0 = _public("spherical_bessel_j0", _spherical_j0,
                              "The spherical Bessel function of the first kind ``sin(x) / x``")
