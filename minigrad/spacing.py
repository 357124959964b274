"""The values of ``linspace`` as PyTorch computes them, so that float32 programs that
start from ``linspace(0, 2 * pi, 25)`` print the same numbers.

PyTorch does not divide the range evenly in high precision: it rounds the step to the
dtype, counts the first half up from ``start`` and the second half down from ``end``, and
each value is a fused multiply-add. NumPy has no fused multiply-add, so `_fused` builds one.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def linspace_values(start: Any, end: Any, steps: int, dtype: np.dtype) -> np.ndarray:
    """The ``steps`` (at least 2) values of PyTorch's linspace in ``dtype`` (float32 or
    float64): the step is ``(end - start) / (steps - 1)`` in the dtype; the first half
    counts up from ``start`` and the second half down from ``end``, each value one fused
    multiply-add (one rounding of ``start + step * i``)."""
    start, end = dtype.type(start), dtype.type(end)
    step = (end - start) / dtype.type(steps - 1)
    i = np.arange(steps)
    up = _fused(step, i, start, dtype)
    down = _fused(-step, steps - 1 - i, end, dtype)
    return np.where(i < steps // 2, up, down)


def _fused(a: Any, k: np.ndarray, c: Any, dtype: np.dtype) -> np.ndarray:
    """``a * k + c`` rounded once to ``dtype``. float32: the product is exact in float64,
    and the sum is rounded to odd there (a value that is not exact gets the odd one of its
    two neighbours), after which rounding to float32 is correct. float64: long double holds
    more bits, so the result is nearly always PyTorch's (never off by more than one ulp)."""
    if dtype != np.float32:
        wide = np.longdouble
        return (wide(a) * k.astype(wide) + wide(c)).astype(dtype)
    product, c = np.float64(a) * k, np.float64(c)
    total = product + c
    back = total - product
    error = (product - (total - back)) + (c - back)  # total + error == product + c exactly
    even = (total.view(np.uint64) & 1) == 0
    odd = np.where((error != 0) & even,
                   np.nextafter(total, np.where(error > 0, np.inf, -np.inf)), total)
    return odd.astype(np.float32)
