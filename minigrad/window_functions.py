"""Window functions for spectral analysis: ``hann_window``, ``hamming_window``,
``blackman_window``, ``bartlett_window`` and ``kaiser_window``, as PyTorch's factories.

Each is a 1-d tensor of ``window_length`` values that taper towards its ends. A periodic
window (the default, meant for a short-time Fourier transform) is the symmetric window of
``window_length + 1`` points without its last one. Length 0 gives an empty tensor, length
1 the single value 1. The values are computed in the requested floating dtype (the default
dtype if None), as PyTorch computes them.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .devices import check_device
from .dtypes import get_default_dtype
from .internal import wrap
from .ops.bessel import i0
from .tensor import Tensor
from .tensor_args import type_name


def _window(op: str, window_length: Any, periodic: bool, dtype: Any, device: Any,
            requires_grad: bool, values: Any) -> Tensor:
    """The checks and special cases every window shares; ``values(positions, N)`` gives the
    symmetric window of N points at ``positions`` (0, 1, ..., in ``dtype``)."""
    if isinstance(window_length, bool) or not isinstance(window_length, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'window_length' (position 1) must be int, not "
                        f"{type_name(window_length)}")
    check_device(device, op)
    dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise RuntimeError(f"{op} expects floating point dtypes, got: {dtype}")
    if window_length < 0:
        raise RuntimeError(f"{op} requires non-negative window_length, got "
                           f"window_length={window_length}")
    if window_length <= 1:
        array = np.ones(int(window_length), dtype)
    else:
        n = int(window_length) + bool(periodic)
        array = values(np.arange(n, dtype=dtype), n)[:int(window_length)].astype(dtype)
    result = wrap(np.ascontiguousarray(array))
    result.requires_grad = requires_grad
    return result


def _cosine_sum(positions: np.ndarray, n: int, coefficients: tuple[float, ...]) -> np.ndarray:
    """``sum_k c_k cos(2 pi k x / (n - 1))`` with alternating signs, in positions' dtype."""
    dtype = positions.dtype.type
    out = np.full(positions.shape, dtype(coefficients[0]), positions.dtype)
    for k, c in enumerate(coefficients[1:], start=1):
        angle = positions * dtype(2 * math.pi * k / (n - 1))
        out = out + dtype((-1) ** k * c) * np.cos(angle)
    return out


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                layout: Any = None, device: Any = None, pin_memory: bool = False,
                requires_grad: bool = False) -> Tensor:
    """The Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))``, n = 0 .. N - 1.

    Parameters
    ----------
    window_length : int
        The number of points returned (non-negative).
    periodic : bool
        True (the default): N is ``window_length + 1`` and the last point is dropped, for
        spectral analysis; False: the symmetric window, N is ``window_length``.
    dtype : floating dtype, optional
        The default dtype if None.
    layout, device, pin_memory
        Accepted as PyTorch's (strided, CPU only).
    requires_grad : bool
    """
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   lambda x, n: _cosine_sum(x, n, (0.5, 0.5)))


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype: Any = None, layout: Any = None,
                   device: Any = None, pin_memory: bool = False,
                   requires_grad: bool = False) -> Tensor:
    """The Hamming window ``alpha - beta cos(2 pi n / (N - 1))`` (the Hann window is alpha =
    beta = 0.5); the other arguments are `hann_window`'s."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   lambda x, n: _cosine_sum(x, n, (alpha, beta)))


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None, pin_memory: bool = False,
                    requires_grad: bool = False) -> Tensor:
    """The Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``;
    the arguments are `hann_window`'s."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   lambda x, n: _cosine_sum(x, n, (0.42, 0.5, 0.08)))


def _triangle(positions: np.ndarray, n: int) -> np.ndarray:
    """``1 - |2 x / (n - 1) - 1|``: rising from 0 to 1 at the middle, then falling."""
    ramp = positions * positions.dtype.type(2.0 / (n - 1))
    return np.where(np.arange(n) <= (n - 1) // 2, ramp, 2 - ramp)


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None, pin_memory: bool = False,
                    requires_grad: bool = False) -> Tensor:
    """The Bartlett (triangular) window ``1 - |2 n / (N - 1) - 1|``; the arguments are
    `hann_window`'s."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   _triangle)


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype: Any = None, layout: Any = None, device: Any = None,
                  pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """The Kaiser window ``I0(beta sqrt(1 - ((n - m) / m)^2)) / I0(beta)``, m = (N - 1) / 2,
    with I0 the modified Bessel function of order 0 (`minigrad.i0`); larger ``beta`` gives a
    narrower window. The other arguments are `hann_window`'s."""
    def values(positions: np.ndarray, n: int) -> np.ndarray:
        middle = (n - 1) / 2
        ratio = (positions.astype(np.float64) - middle) / middle
        shape = beta * np.sqrt(np.maximum(1 - ratio * ratio, 0))
        return (i0(wrap(shape)).numpy() / i0(wrap(np.array(float(beta)))).numpy())
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   values)
