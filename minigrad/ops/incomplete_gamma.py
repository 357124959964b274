"""The regularised incomplete gamma functions ``igamma`` (P) and ``igammac`` (Q = 1 - P),
as primitives.

``P(a, x) = gamma(a, x) / Gamma(a)``, the integral of ``t^(a-1) e^-t`` from 0 to x over
the whole integral, is the distribution function of a Gamma(a, 1) variable. Each is
computed in float64 where it converges fast and without cancellation: P by its power
series ``x^a e^-x / Gamma(a) * sum_n x^n / (a (a+1) ... (a+n))`` for ``x < a + 1``, and Q
by its continued fraction (evaluated by the modified Lentz method) beyond; the other is
one minus it. Both need about ``sqrt(a)`` steps near ``x = a``.

As in PyTorch only x has a gradient, ``dP/dx = x^(a-1) e^-x / Gamma(a)`` (and minus it for
Q); backward for ``a`` raises NotImplementedError. The edge values (a or x 0, infinite or
NaN) are PyTorch's.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import register
from ..tensor import Tensor
from . import elementwise
from ._util import binary, tensor_arg
from .gamma import lgamma, lgamma_array
from .out_argument import takes_out
from .pointwise import Pointwise

_EPS = np.finfo(np.float64).eps
_TINY = 1e-300
_MAX_STEPS = 100_000  # enough for a up to about 1e9 near x = a


def _log_prefactor(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``log(x^a e^-x / Gamma(a))``, the factor both expansions share."""
    return a * np.log(x) - x - lgamma_array(a)


def _lower_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) by the power series (for x < a + 1, where every ratio x / (a + n) < 1)."""
    term = 1.0 / a
    total = term.copy()
    active = np.arange(a.size)
    for n in range(1, _MAX_STEPS):
        term[active] *= x[active] / (a[active] + n)
        total[active] += term[active]
        active = active[np.abs(term[active]) > _EPS * np.abs(total[active])]
        if not active.size:
            break
    return np.exp(_log_prefactor(a, x) + np.log(total))


def _upper_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) by the continued fraction ``1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a)
    / (x + 5 - a - ...)))``, for x >= a + 1, evaluated front to back (modified Lentz)."""
    b = x + 1.0 - a
    c = np.full(a.shape, 1.0 / _TINY)
    d = 1.0 / b
    h = d.copy()
    active = np.arange(a.size)
    for i in range(1, _MAX_STEPS):
        ai, bi = a[active], b[active] + 2.0
        b[active] = bi
        numerator = -i * (i - ai)
        di = numerator * d[active] + bi
        di = np.where(np.abs(di) < _TINY, _TINY, di)
        ci = bi + numerator / c[active]
        ci = np.where(np.abs(ci) < _TINY, _TINY, ci)
        d[active] = 1.0 / di
        c[active] = ci
        step = ci / di
        h[active] *= step
        active = active[np.abs(step - 1.0) > _EPS]
        if not active.size:
            break
    return np.exp(_log_prefactor(a, x) + np.log(h))


def _edges(a: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where P has a fixed value, and that value: PyTorch's cases, first match wins."""
    cases = [((a < 0) | (x < 0), np.nan),
             (a == 0, np.where(x > 0, 1.0, np.nan)),
             (x == 0, 0.0),
             (a == np.inf, np.where(x == np.inf, np.nan, 0.0)),
             (x == np.inf, 1.0),
             (np.isnan(a) | np.isnan(x), np.nan)]
    conditions = [c for c, _ in cases]
    return np.logical_or.reduce(conditions), np.select(conditions, [v for _, v in cases],
                                                        np.nan)


def _regularized(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    """P(a, x) (or Q for ``upper``) elementwise, in the dtype of ``a`` and ``x``."""
    dtype = np.result_type(a, x)
    a64, x64 = (v.astype(np.float64).ravel() for v in np.broadcast_arrays(a, x))
    fixed, value = _edges(a64, x64)
    out = 1.0 - value if upper else value
    series = ~fixed & (x64 < a64 + 1)
    fraction = ~fixed & ~series
    with np.errstate(all="ignore"):
        lower = _lower_series(a64[series], x64[series])
        tail = _upper_fraction(a64[fraction], x64[fraction])
    out[series] = 1.0 - lower if upper else lower
    out[fraction] = tail if upper else 1.0 - tail
    return out.reshape(np.broadcast_shapes(a.shape, x.shape)).astype(dtype, copy=False)


def _no_gradient_for_a(g, a, x, z):
    raise NotImplementedError("the derivative for 'igamma: input' is not implemented.")


def _density(a: Tensor, x: Tensor) -> Tensor:
    """dP/dx = x^(a-1) e^-x / Gamma(a), built from minigrad ops so it differentiates again."""
    return elementwise.exp((a - 1) * elementwise.log(x) - x - lgamma(a))


@register("igamma")
class Igamma(Pointwise):
    """z = P(a, x), the regularised lower incomplete gamma function.
    dz/dx = x^(a-1) e^-x / Gamma(a); no derivative for a."""

    compute = staticmethod(lambda a, x: _regularized(a, x, upper=False))
    saves = "xy"
    rules = (_no_gradient_for_a, lambda g, a, x, z: g * _density(a, x))


@register("igammac")
class Igammac(Pointwise):
    """z = Q(a, x) = 1 - P(a, x), the regularised upper incomplete gamma function.
    dz/dx = -x^(a-1) e^-x / Gamma(a); no derivative for a."""

    compute = staticmethod(lambda a, x: _regularized(a, x, upper=True))
    saves = "xy"
    rules = (_no_gradient_for_a, lambda g, a, x, z: -g * _density(a, x))


def _checked(op: str, input: Tensor, other: Tensor) -> None:
    tensor_arg(op, input, "input"), tensor_arg(op, other, "other")
    if input.dtype.kind != "f" and other.dtype.kind != "f":  # bool or int with float promotes
        raise NotImplementedError(f"\"{op}_cpu\" not implemented for {input.dtype} and "
                                  f"{other.dtype} (input of shape {tuple(input.shape)})")


@takes_out()
def igamma(input: Tensor, other: Tensor) -> Tensor:
    """The regularised lower incomplete gamma function P(input, other), elementwise (float
    tensors; they broadcast and promote). The gradient flows to ``other`` only."""
    _checked("igamma", input, other)
    return binary(Igamma, input, other)


@takes_out()
def igammac(input: Tensor, other: Tensor) -> Tensor:
    """The regularised upper incomplete gamma function Q(input, other) = 1 - P, elementwise,
    accurate where it is tiny. The gradient flows to ``other`` only."""
    _checked("igammac", input, other)
    return binary(Igammac, input, other)

