"""The Hurwitz zeta function ``zeta(x, q) = sum_k (k + q)^-x`` (k = 0, 1, ...), as a
primitive.

It is summed directly up to ``w = q + m >= max(12, x)`` and the rest is the Euler-Maclaurin
formula ``w^(1-x) / (x-1) + w^-x / 2 + sum_j B_2j / (2j)! x (x+1) ... (x+2j-2) w^(1-x-2j)``,
whose terms shrink like ``(x / (2 pi w))^2j``, in float64. As in PyTorch (whose edge values
these are) only q has a gradient, ``dzeta/dq = -x zeta(x + 1, q)``; backward for x raises
NotImplementedError. It is inf at x = 1 and at q = 0, -1, -2, ..., and NaN for x < 1 and
for a negative q with a non-integer x.
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.function import register
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from ._util import binary, need_a_tensor, operands
from .gamma import _BERNOULLI
from .out_argument import takes_out
from .pointwise import Pointwise

_DIRECT_UNTIL = 12.0  # w at which the Euler-Maclaurin tail reaches float64 rounding
_DIRECT_AT_MOST = 1e4  # beyond, q^-x dwarfs the tail for x as large as w
# B_2j / (2j)!, j = 1, 2, ...
_TAIL_COEFFICIENTS = tuple(b / math.factorial(2 * j) for j, b in enumerate(_BERNOULLI, 1))


def _euler_maclaurin(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """zeta(x, q) for float64 x > 1 and finite q, summing directly until q + m >= 12 and
    q + m >= x (at most 10^4)."""
    until = np.clip(x, _DIRECT_UNTIL, _DIRECT_AT_MOST)  # w >= x: terms shrink like 1/(2 pi)^2j
    steps = np.clip(np.ceil(until - q), 1, None)
    total = np.zeros_like(x)
    for k in range(int(steps.max(initial=1))):
        total = total + np.where(k < steps, (q + k) ** -x, 0.0)
    w = q + steps
    total = total + w ** (1 - x) / (x - 1) + w ** -x / 2
    rising, power = x, w ** (-x - 1)  # x (x+1) ... (x+2j-2) and w^(1-x-2j)
    for j, coefficient in enumerate(_TAIL_COEFFICIENTS, start=1):
        total = total + coefficient * rising * power
        rising = rising * (x + 2 * j - 1) * (x + 2 * j)
        power = power / (w * w)
    return total


def zeta_array(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The Hurwitz zeta function of two broadcast ndarrays, in their dtype."""
    dtype = np.result_type(x, q)
    x64, q64 = (np.asarray(v, dtype=np.float64) for v in np.broadcast_arrays(x, q))
    pole = (q64 <= 0) & (q64 == np.floor(q64))
    edges = [(x64 == 1, np.inf), (x64 < 1, np.nan), (pole, np.inf),
             ((q64 < 0) & (x64 != np.floor(x64)), np.nan),
             (np.isnan(x64) | np.isnan(q64) | (q64 == np.inf), np.nan),
             (x64 == np.inf, np.where(q64 == 1, 1.0, np.where(q64 > 1, np.nan, np.inf)))]
    fixed = np.logical_or.reduce([c for c, _ in edges])
    safe_x, safe_q = np.where(fixed, 2.0, x64), np.where(fixed, 1.0, q64)
    out = np.select([c for c, _ in edges], [v for _, v in edges],
                    _euler_maclaurin(safe_x, safe_q))
    return out.astype(dtype, copy=False)


def _no_gradient_for_x(g, x, q, z):
    raise NotImplementedError("the derivative for 'zeta' is not implemented.")


@register("special_zeta")
class Zeta(Pointwise):
    """z = zeta(x, q), the Hurwitz zeta function.  dz/dq = -x zeta(x + 1, q); no derivative
    for x."""

    compute = staticmethod(zeta_array)
    saves = "xy"
    rules = (_no_gradient_for_x, lambda g, x, q, z: g * -x * Zeta.apply(x + 1, q))


@takes_out()
def zeta(input: Tensor, other: Tensor) -> Tensor:
    """The Hurwitz zeta function ``sum_k (k + other)^-input``, elementwise; the operands
    broadcast and promote (integers to the default float dtype). Differentiable in
    ``other`` only."""
    need_a_tensor("special_zeta", input, other)
    x, q = operands("special_zeta", input, other)
    if x.dtype.kind != "f":
        x, q = x.to(get_default_dtype()), q.to(get_default_dtype())
    if x.dtype == np.float16:
        raise NotImplementedError(f"\"zeta_cpu\" not implemented for 'Half' (shapes "
                                  f"{tuple(x.shape)} and {tuple(q.shape)})")
    return binary(Zeta, x, q)
