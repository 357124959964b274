"""The classical orthogonal polynomials of ``torch.special``: Chebyshev T, U, V, W (and
their shifted forms on [0, 1]), Hermite H and He, Laguerre L and Legendre P, evaluated at
a tensor ``x`` for a degree ``n`` (a tensor or a number; they broadcast).

Each is its three-term recurrence ``p_(k+1) = a_k(x) p_k - b_k p_(k-1)``, run in the
result's dtype up to the largest degree, with PyTorch's conventions: the degree is
truncated to an integer, a negative degree gives 0, and the Chebyshev polynomials of degree
above 6 are their trigonometric forms inside (-1, 1) (``T_n(cos t) = cos(n t)``, ...) and
exact at +-1. Outside the polynomials' natural interval large degrees overflow to inf or
NaN, as in PyTorch. Like PyTorch's, they have no gradient: the result is a constant.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..dtypes import get_default_dtype
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import broadcast_shape, need_a_tensor, operands
from .out_argument import takes_out

_TRIGONOMETRIC_FROM = 6  # Chebyshev degrees above it use the trigonometric form in (-1, 1)


def _recurrence(first: Callable, step: Callable, x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """p_n(x) elementwise from p_0 = 1, p_1 = first(x), p_(k+1) = step(k, x, p_k, p_(k-1))."""
    one = x.dtype.type(1)
    previous, current = np.ones_like(x), first(x)
    out = np.where(n == 0, one, np.where(n == 1, current, 0 * x))
    for k in range(1, int(n.max(initial=0))):
        previous, current = current, step(x.dtype.type(k), x, current, previous)
        out = np.where(n == k + 1, current, out)
        if np.isnan(current[n > k + 1]).all():  # nothing left but overflowed NaN
            out = np.where(n > k + 1, current, out)
            break
    return out


def _chebyshev(first: Callable, trigonometric: Callable, at_one: Callable) -> Callable:
    """A Chebyshev family: the recurrence p_(k+1) = 2 x p_k - p_(k-1) from p_1 = first(x);
    ``trigonometric(n, t)`` its value at x = cos(t) for large n, ``at_one(n, x)`` at
    x = +-1."""
    def evaluate(x: np.ndarray, n: np.ndarray) -> np.ndarray:
        two = x.dtype.type(2)
        big = n > _TRIGONOMETRIC_FROM
        inside, edge = big & (np.abs(x) < 1), big & (np.abs(x) == 1)
        out = _recurrence(first, lambda k, x, p, q: two * x * p - q, x,
                          np.where(inside | edge, 0, n))
        angle = np.arccos(np.where(inside, x, 0))
        out = np.where(inside, trigonometric(n.astype(x.dtype), angle), out)
        return np.where(edge, at_one(n.astype(x.dtype), x), out)
    return evaluate


def _sign_power(n: np.ndarray, x: np.ndarray) -> np.ndarray:
    """1 at x = 1, (-1)^n at x = -1."""
    return np.where((x < 0) & (n % 2 == 1), -1, 1).astype(x.dtype)


_T = _chebyshev(lambda x: x, lambda n, t: np.cos(n * t), _sign_power)
_U = _chebyshev(lambda x: x + x, lambda n, t: np.sin((n + 1) * t) / np.sin(t),
                lambda n, x: (n + 1) * _sign_power(n, x))
def _v_trigonometric(n: np.ndarray, t: np.ndarray) -> np.ndarray:
    """V_n(cos t) = cos((n + 1/2) t) / cos(t / 2); near t = pi (x = -1), where cos(t / 2)
    vanishes, the same as (-1)^n sin((n + 1/2) s) / sin(s / 2) with s = pi - t."""
    s = np.pi - t
    sign = np.where(n % 2 == 1, -1, 1)
    return np.where(t > np.pi / 2, sign * np.sin((n + 0.5) * s) / np.sin(s / 2),
                    np.cos((n + 0.5) * t) / np.cos(t / 2))


_V = _chebyshev(lambda x: x + x - 1, _v_trigonometric,
                lambda n, x: np.where(x > 0, 1, (2 * n + 1) * _sign_power(n, x)))
_W = _chebyshev(lambda x: x + x + 1, lambda n, t: np.sin((n + 0.5) * t) / np.sin(t / 2),
                lambda n, x: np.where(x > 0, 2 * n + 1, _sign_power(n, x)))


def _shifted(family: Callable) -> Callable:
    """The family on [0, 1]: p*_n(x) = p_n(2x - 1)."""
    return lambda x, n: family(x + x - 1, n)


def _hermite_h(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    return _recurrence(lambda x: x + x, lambda k, x, p, q: (x + x) * p - (k + k) * q, x, n)


def _hermite_he(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    return _recurrence(lambda x: x, lambda k, x, p, q: x * p - k * q, x, n)


def _laguerre(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    return _recurrence(lambda x: 1 - x,
                       lambda k, x, p, q: ((k + k + 1 - x) * p - k * q) / (k + 1), x, n)


def _legendre(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    out = _recurrence(lambda x: x, lambda k, x, p, q: ((k + k + 1) * x * p - k * q) / (k + 1),
                      x, n)
    return np.where((np.abs(x) == 1) & (n >= 0), _sign_power(n, x), out)


def _polynomial(op: str, family: Callable, input: Any, n: Any) -> Tensor:
    """``family`` at ``input`` for degree ``n``, as a constant tensor of their promoted
    dtype (integers give the default float dtype)."""
    need_a_tensor(f"special_{op}", input, n)
    x, degree = operands(f"special_{op}", input, n)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(get_default_dtype())
    if dtype == np.float16:
        raise NotImplementedError(f"\"{op}_cpu\" not implemented for 'Half' (input of shape "
                                  f"{tuple(x.shape)})")
    shape = broadcast_shape(f"special_{op}", x.shape, degree.shape)
    xs = np.broadcast_to(array_of(x).astype(dtype), shape)
    ns = np.broadcast_to(np.trunc(array_of(degree).astype(np.float64)), shape)
    with np.errstate(all="ignore"):
        ns = np.where(np.isfinite(ns), ns, -1).astype(np.int64)
        out = np.where(ns < 0, 0, family(xs, np.maximum(ns, 0)))
    return wrap(np.asarray(out, dtype=dtype, order="C"))  # (0-d stays 0-d)


def _public(op: str, family: Callable, title: str) -> Callable:
    @takes_out()
    def polynomial(input: Tensor, n: Tensor) -> Tensor:
        return _polynomial(op, family, input, n)
    polynomial.__name__ = polynomial.__qualname__ = op
    polynomial.__doc__ = (f"The {title} of degree ``n`` at ``input``, elementwise (both "
                          "tensors or numbers; they broadcast). ``n`` is truncated to an "
                          "integer; a negative degree gives 0. No gradient, as in PyTorch.")
    return polynomial


chebyshev_polynomial_t = _public("chebyshev_polynomial_t", _T,
                                 "Chebyshev polynomial of the first kind T_n")
chebyshev_polynomial_u = _public("chebyshev_polynomial_u", _U,
                                 "Chebyshev polynomial of the second kind U_n")
chebyshev_polynomial_v = _public("chebyshev_polynomial_v", _V,
                                 "Chebyshev polynomial of the third kind V_n")
chebyshev_polynomial_w = _public("chebyshev_polynomial_w", _W,
                                 "Chebyshev polynomial of the fourth kind W_n")
shifted_chebyshev_polynomial_t = _public("shifted_chebyshev_polynomial_t", _shifted(_T),
                                         "shifted Chebyshev polynomial T*_n(x) = T_n(2x - 1)")
shifted_chebyshev_polynomial_u = _public("shifted_chebyshev_polynomial_u", _shifted(_U),
                                         "shifted Chebyshev polynomial U*_n(x) = U_n(2x - 1)")
shifted_chebyshev_polynomial_v = _public("shifted_chebyshev_polynomial_v", _shifted(_V),
                                         "shifted Chebyshev polynomial V*_n(x) = V_n(2x - 1)")
shifted_chebyshev_polynomial_w = _public("shifted_chebyshev_polynomial_w", _shifted(_W),
                                         "shifted Chebyshev polynomial W*_n(x) = W_n(2x - 1)")
hermite_polynomial_h = _public("hermite_polynomial_h", _hermite_h,
                               "physicists' Hermite polynomial H_n")
hermite_polynomial_he = _public("hermite_polynomial_he", _hermite_he,
                                "probabilists' Hermite polynomial He_n")
laguerre_polynomial_l = _public("laguerre_polynomial_l", _laguerre, "Laguerre polynomial L_n")
legendre_polynomial_p = _public("legendre_polynomial_p", _legendre, "Legendre polynomial P_n")
