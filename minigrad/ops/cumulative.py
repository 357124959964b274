"""Cumulative operations along a dimension: ``cumsum`` is a primitive; ``cumprod``,
``cummax``/``cummin``, ``logcumsumexp``, ``diff`` and the trapezoid rules are built from
primitives."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from ..autograd.function import Function, register
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import contiguous_result, in_dtype, normalize_dim, unary_input
from .broadcasting import reshape, sum
from .elementwise import clone, exp, log
from .indexing import gather, reverse
from .movement import cat, narrow
from .out_argument import takes_out


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


def _accumulated(op: str, input: Tensor, dtype: Any) -> Tensor:
    """The input in the dtype a running sum or product uses: ``dtype`` if given (not bool,
    which PyTorch has no kernel for), int64 for integer and bool inputs (as in PyTorch)."""
    if dtype is not None and np.dtype(dtype) == np.bool_:
        raise NotImplementedError(f"{op}: not implemented for dtype=bool")
    if dtype is not None:
        return in_dtype(input, dtype)
    return input.to(np.int64) if input.dtype.kind in "biu" else input


@takes_out("dtype")
@contiguous_result
def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``. Integer and bool inputs sum in int64, as in PyTorch,
    unless ``dtype`` says otherwise."""
    input = _accumulated("cumsum", input, dtype)
    if input.ndim == 0:
        return Cumsum.apply(input.reshape(1), 0).reshape(())
    return Cumsum.apply(input, normalize_dim(dim, input.ndim, "cumsum"))


@takes_out("dtype")
@contiguous_result
def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim`` (integers and bools multiply in int64).

    Built as a scan of ``log2(n)`` elementwise products (each element times the one
    ``1, 2, 4, ...`` places before it), so the gradient is exact where elements are zero,
    as PyTorch's is, and can be differentiated again.
    """
    input = _accumulated("cumprod", unary_input("cumprod", input), dtype)
    if input.ndim == 0:
        return clone(input)
    dim = normalize_dim(dim, input.ndim, "cumprod")
    n, step, out = input.shape[dim], 1, input
    while step < n:
        shifted = narrow(out, dim, step, n - step) * narrow(out, dim, 0, n - step)
        out = cat([narrow(out, dim, 0, step), shifted], dim)
        step *= 2
    return clone(out) if out is input else out


def _running(op: str, input: Tensor, dim: int, better: Any, pick: Any) -> Any:
    """``(values, indices)`` of a running max or min: the index is that of the last
    element that reached the running extreme (NaN counts as reaching it), as in PyTorch;
    the values are gathered there, so the gradient goes to those elements."""
    input = unary_input(op, input)
    if input.ndim == 0:
        return pick(clone(input), wrap(np.zeros((), np.int64)))
    dim = normalize_dim(dim, input.ndim, op)
    x = array_of(input)
    with np.errstate(invalid="ignore"):
        running = better.accumulate(x, axis=dim)
        hit = (x == running) | (np.isnan(x) if x.dtype.kind == "f" else False)
    steps = np.arange(x.shape[dim], dtype=np.int64).reshape(
        (-1,) + (1,) * (x.ndim - dim - 1))
    index = np.maximum.accumulate(np.where(hit, steps, 0), axis=dim) if x.size else \
        np.zeros(x.shape, np.int64)
    return pick(gather(input, dim, index), wrap(index))


@takes_out("same")
@contiguous_result
def cummax(input: Tensor, dim: int) -> return_types.cummax:
    """``(values, indices)``: the running maximum along ``dim`` and where it was found."""
    return _running("cummax", input, dim, np.maximum,
                    return_types.cummax)


@takes_out("same")
@contiguous_result
def cummin(input: Tensor, dim: int) -> return_types.cummin:
    """``(values, indices)``: the running minimum along ``dim`` and where it was found."""
    return _running("cummin", input, dim, np.minimum, return_types.cummin)


@takes_out()
def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """The ``n``-th forward difference along ``dim``: ``out[i] = x[i + 1] - x[i]``, applied
    ``n`` times, after joining ``prepend`` and ``append`` (for bool tensors: ``!=``)."""
    input = unary_input("diff", input)
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    dim = normalize_dim(dim, input.ndim, "diff")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    joined = [t for t in (prepend, input, append) if t is not None]
    if any(t.ndim != input.ndim for t in joined):
        raise RuntimeError(f"diff expects prepend or append to be the same dimension as "
                           f"input (shapes {[tuple(t.shape) for t in joined]})")
    out = cat(joined, dim) if len(joined) > 1 else input
    for _ in range(n):
        size = out.shape[dim]
        later = narrow(out, dim, min(1, size), max(size - 1, 0))
        earlier = narrow(out, dim, 0, max(size - 1, 0))
        out = later != earlier if out.dtype == np.bool_ else later - earlier
    return out


@takes_out("same")
def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """``log(cumsum(exp(x)))`` along ``dim`` without overflow: a log-step scan of pairwise
    ``log(exp(a) + exp(b))``, each shifted by the larger (finite) operand, held constant."""
    input = unary_input("logcumsumexp", input)
    if input.dtype.kind != "f":
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for "
                                  f"{input.dtype}")
    if input.ndim == 0:
        return clone(input)
    dim = normalize_dim(dim, input.ndim, "logcumsumexp")
    n, step, out = input.shape[dim], 1, input
    while step < n:
        later, earlier = narrow(out, dim, step, n - step), narrow(out, dim, 0, n - step)
        peak = np.maximum(array_of(later), array_of(earlier))
        shift = wrap(np.where(np.isfinite(peak), peak, 0).astype(input.dtype))
        joined = log(exp(later - shift) + exp(earlier - shift)) + shift
        out = cat([narrow(out, dim, 0, step), joined], dim)
        step *= 2
    return clone(out) if out is input else out


def _trapezoids(op: str, y: Tensor, x: Tensor | None, dx: Any, dim: int) -> Tensor:
    """The area of each trapezoid between neighbours along ``dim``."""
    y = unary_input(op, y)
    dim = normalize_dim(dim, y.ndim, op)
    size = max(y.shape[dim] - 1, 0)
    pairs = narrow(y, dim, min(1, y.shape[dim]), size) + narrow(y, dim, 0, size)
    if x is None:
        return pairs * ((1 if dx is None else dx) / 2)
    if dx is not None:
        raise RuntimeError(f"{op}: cannot pass both x and dx")
    widths = diff(x, dim=-1 if x.ndim == 1 else dim)
    if x.ndim == 1:
        widths = reshape(widths, (-1,) + (1,) * (y.ndim - dim - 1))
    return pairs * widths / 2


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The trapezoid rule along ``dim``: samples ``y`` at points ``x`` (a tensor) or
    spaced ``dx`` apart (1 by default)."""
    return sum(_trapezoids("trapezoid", y, x, dx, dim), dim)


trapz = trapezoid  # PyTorch's older name


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None,
                         dim: int = -1) -> Tensor:
    """The running trapezoid rule along ``dim`` (one value fewer than ``y`` has)."""
    return cumsum(_trapezoids("cumulative_trapezoid", y, x, dx, dim), dim)
