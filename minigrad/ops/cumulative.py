"""Cumulative sums along a dimension."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function, register
from ..tensor import Tensor
from ._util import normalize_dim
from .indexing import reverse


def _reverse(x: Tensor, dim: int) -> Tensor:
    return reverse(x, (dim,))


@register("cumsum")
class Cumsum(Function):
    """z[i] = sum of x[j] for j <= i along ``dim``.  dz/dx: the reversed cumulative sum
    of g (each x[j] feeds every z[i] with i >= j)."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return np.cumsum(x, axis=dim, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        return _reverse(Cumsum.apply(_reverse(g, ctx.dim), ctx.dim), ctx.dim), None


def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``. Integer and bool inputs sum in int64, as in PyTorch,
    unless ``dtype`` says otherwise."""
    if dtype is not None:
        input = input.to(dtype)
    elif input.dtype.kind in "biu":
        input = input.to(np.int64)
    if input.ndim == 0:
        return Cumsum.apply(input.reshape(1), 0).reshape(())
    return Cumsum.apply(input, normalize_dim(dim, input.ndim, "cumsum"))
