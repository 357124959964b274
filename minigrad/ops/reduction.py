"""Reductions: sum and amax/amin are primitives; mean, var, std, prod, logsumexp, softmax
and max/min with indices are built from primitives.

Every reduction takes ``dim`` (an int, a tuple or None for all) and ``keepdim``.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .. import return_types
from ..autograd.function import Function, register
from ..internal import array_of, named, wrap
from ..tensor import Tensor
from . import elementwise, indexing, movement, selection
from .broadcasting import Sum, kept_shape, sum, sum_to  # noqa: F401
from ._util import (contiguous_result, float_input, in_dtype, normalize_dim, normalize_dims,
                    row_major_array)
from .out_argument import takes_out


class _ExtremeReduction(Function):
    """Shared rule of amax/amin: the gradient is split evenly among the tied extremes."""

    reduce = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, x, dim, keepdim=False, nan_ties=False):
        out = cls.reduce(x, axis=dim, keepdims=True)
        hits = x == out
        if nan_ties:  # max()/min() of everything: a NaN result came from the NaNs
            hits |= np.isnan(x) & np.isnan(out)
        hits = hits.astype(x.dtype)
        ctx.share = hits / hits.sum(axis=dim, keepdims=True)
        ctx.shape, ctx.dims = x.shape, dim
        return row_major_array(out if keepdim else np.squeeze(out, axis=dim))

    @staticmethod
    def backward(ctx, g):
        kept = movement.reshape(g, kept_shape(ctx.shape, ctx.dims))
        return kept * wrap(ctx.share), None


@register("amax")
class Amax(_ExtremeReduction):
    """z = max of x over dims.  dz/dx = 1/k at each of the k tied maxima, 0 elsewhere."""

    reduce = staticmethod(np.max)


@register("amin")
class Amin(_ExtremeReduction):
    """z = min of x over dims.  dz/dx = 1/k at each of the k tied minima, 0 elsewhere."""

    reduce = staticmethod(np.min)


# --- public functions --------------------------------------------------------------------
def _count(x: Tensor, dims: tuple[int, ...]) -> int:
    return int(np.prod([x.shape[d] for d in dims], dtype=np.int64))


@takes_out("dtype")
def mean(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Arithmetic mean over ``dim``; ``dtype`` casts ``x`` first (an integer ``x`` needs
    a float one)."""
    if dtype is not None:
        x = x.to(dtype)
    _check_float(x, "mean")
    dims = normalize_dims(dim, x.ndim, "mean")
    return named(Sum.apply(x, dims, keepdim=keepdim) / _count(x, dims),
                 "MeanBackward0" if dim is None else "MeanBackward1")


@takes_out()
def var(x: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
        correction: int | None = None) -> Tensor:
    """Variance over ``dim``, divided by ``n - correction`` (``correction=1`` by default)."""
    _check_float(x, "var")
    dims = normalize_dims(dim, x.ndim, "var")
    correction = (1 if unbiased else 0) if correction is None else correction
    centered = x - mean(x, dims, keepdim=True)
    return named(sum(centered * centered, dims, keepdim) /
                 builtins.max(_count(x, dims) - correction, 0), "VarBackward0")


@takes_out()
def std(x: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
        correction: int | None = None) -> Tensor:
    """Standard deviation over ``dim``: ``sqrt(var)``.

    Where the variance is 0 the gradient is 0 (as in PyTorch), not the 0/0 of sqrt's rule.
    """
    _check_float(x, "std")
    return named(root_or_zero(var(x, dim, unbiased, keepdim, correction=correction),
                              elementwise.sqrt), "StdBackward0")  # nan stays nan


def root_or_zero(total: Tensor, root: Any) -> Tensor:
    """``root(total)``, with value and gradient 0 where ``total`` is 0, where the root's
    rule gives 0/0 (PyTorch's std and norm have gradient 0 there)."""
    zero = selection.compare(np.equal, total, 0)
    return selection.where(zero, 0.0, root(selection.where(zero, 1.0, total)))


@takes_out("dtype")
@contiguous_result
def prod(x: Tensor, dim: int | None = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """Product over ``dim`` (all elements when None); ``dtype`` casts ``x`` first.

    Built as a tree of pairwise products, so its gradient is exact even where some
    elements are zero.
    """
    if dtype is not None:
        x = in_dtype(x, dtype)
    elif x.dtype.kind in "biu" and x.dtype != np.int64:
        x = x.to(np.int64)  # as in PyTorch: integer products are int64
    if dim is None:
        out = prod(movement.reshape(x, (-1,)), 0, dtype=x.dtype)
        return movement.reshape(out, (1,) * x.ndim) if keepdim else out
    dim = normalize_dim(dim, x.ndim, "prod")
    if x.ndim == 0 or x.shape[dim] == 1:  # a product of one: a new tensor, as PyTorch's
        x = elementwise.clone(x).contiguous()
    if x.ndim == 0:
        return x
    if x.shape[dim] == 0:  # the empty product is 1
        return wrap(np.prod(array_of(x), axis=dim, keepdims=keepdim).astype(x.dtype))
    while x.shape[dim] > 1:
        half = x.shape[dim] // 2
        pairs = movement.narrow(x, dim, 0, half) * movement.narrow(x, dim, half, half)
        if x.shape[dim] % 2:
            pairs = movement.cat([pairs, movement.narrow(x, dim, 2 * half, 1)], dim)
        x = pairs
    return x if keepdim else movement.squeeze(x, dim)


@takes_out("same")
def amax(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Maximum over ``dim``; tied maxima share the gradient evenly."""
    dims = normalize_dims(dim, x.ndim, "amax")
    _check_not_empty(x, "amax", dim, dims)
    return Amax.apply(x, dims, keepdim=keepdim)


@takes_out("same")
def amin(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Minimum over ``dim``; tied minima share the gradient evenly."""
    dims = normalize_dims(dim, x.ndim, "amin")
    _check_not_empty(x, "amin", dim, dims)
    return Amin.apply(x, dims, keepdim=keepdim)


def _select(x: Tensor, dim: Any, keepdim: bool, op: str, find: Any) -> Any:
    if isinstance(dim, Tensor):  # max(x, other), as torch.max: the elementwise maximum
        return (selection.maximum if op == "max" else selection.minimum)(x, dim)
    if dim is None:
        _check_not_empty(x, op, None, ())
        extreme = Amax if op == "max" else Amin  # NaNs share the gradient, as in PyTorch
        return named(extreme.apply(x, tuple(range(x.ndim)), keepdim=False, nan_ties=True),
                     f"{op.title()}Backward1")
    dim = normalize_dim(dim, x.ndim, op)
    _check_not_empty(x, op, dim, (dim,))
    pair = return_types.max if op == "max" else return_types.min
    if x.ndim == 0:  # dim 0 or -1 of a 0-d tensor: the value itself, at index 0
        return pair(named(elementwise.clone(x), f"{op.title()}Backward0"),  # bool stays bool
                    wrap(np.zeros((), np.int64)))
    index = wrap(find(array_of(x), axis=dim, keepdims=True))
    values = indexing.gather(x, dim, index)
    if not keepdim:
        values, index = movement.squeeze(values, dim), movement.squeeze(index, dim)
    return pair(named(values, f"{op.title()}Backward0"), index)


@takes_out()
def max(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """Without ``dim``: the maximum (ties share the gradient). With ``dim``: ``(values,
    indices)``, and the gradient goes to the first maximum of each slice, as in PyTorch."""
    return _select(x, dim, keepdim, "max", np.argmax)


@takes_out()
def min(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """Like `max`, for the minimum."""
    return _select(x, dim, keepdim, "min", np.argmin)


@takes_out("same")
def argmax(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the first maximum (of the flattened tensor when ``dim`` is None)."""
    return _arg(np.argmax, x, dim, keepdim, "argmax")


@takes_out("same")
def argmin(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the first minimum (of the flattened tensor when ``dim`` is None)."""
    return _arg(np.argmin, x, dim, keepdim, "argmin")


def _arg(find: Any, x: Tensor, dim: int | None, keepdim: bool, op: str) -> Tensor:
    if x.dtype == np.bool_:
        raise RuntimeError(f"{op}: {op}() does not support bool input")
    if dim is None:
        _check_not_empty(x, op, None, (), IndexError)
        return wrap(np.asarray(find(array_of(x)), dtype=np.int64))
    dim = normalize_dim(dim, x.ndim, op)
    _check_not_empty(x, op, dim, (dim,))
    if x.ndim == 0:
        return wrap(np.zeros((), np.int64))
    return wrap(find(array_of(x), axis=dim, keepdims=keepdim).astype(np.int64))


@takes_out()
def logsumexp(x: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``dim``, shifted by the maximum so it never overflows."""
    x = float_input("logsumexp", x)
    dims = normalize_dims(dim, x.ndim, "logsumexp")
    peak = np.max(array_of(x), axis=dims, keepdims=True,  # a constant: no gradient through it
                  initial=-np.inf)
    shift = wrap(np.where(np.isfinite(peak), peak, 0).astype(x.dtype))
    out = elementwise.log(sum(elementwise.exp(x - shift), dims, keepdim=True)) + shift
    return named(out if keepdim else movement.squeeze(out, dims), "LogsumexpBackward0")


def softmax_input(x: Tensor, dtype: Any, op: str) -> Tensor:
    """``x`` cast to ``dtype`` when given; without it an integer or bool ``x`` raises
    ``NotImplementedError``, as PyTorch's softmax kernels do."""
    if dtype is not None:
        return elementwise.cast(x, np.dtype(dtype))
    if x.dtype.kind != "f":
        raise NotImplementedError(f"{op}: not implemented for {x.dtype} input (shape "
                                  f"{tuple(x.shape)}); convert it with .float() or pass "
                                  f"dtype=minigrad.float32")
    return x


def _minus_peak(x: Tensor, dim: int, op: str) -> Tensor:
    """``x`` minus its maximum along ``dim`` (a constant: no gradient through it), as
    PyTorch's softmax kernels shift it. A slice whose maximum is inf or -inf becomes NaN,
    and so does its softmax, as in PyTorch."""
    peak = np.max(array_of(x), axis=normalize_dim(dim, x.ndim, op), keepdims=True,
                  initial=-np.inf)  # initial: an empty dim is allowed
    return x - wrap(peak)


@takes_out("same", autograd="record")
@contiguous_result
def log_softmax(x: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """``x - logsumexp(x, dim)``, computed as ``(x - max) - log(sum(exp(x - max)))``:
    stable for logits of any size. ``dtype`` casts ``x`` first (an integer ``x`` needs
    it)."""
    shifted = _minus_peak(softmax_input(x, dtype, "log_softmax"), dim, "log_softmax")
    total = sum(elementwise.exp(shifted), dim, keepdim=True)
    return named(shifted - elementwise.log(total), "LogSoftmaxBackward0")


@takes_out("same", autograd="record")
@contiguous_result
def softmax(x: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim``, computed after subtracting the maximum.
    ``dtype`` casts ``x`` first (an integer ``x`` needs it)."""
    e = elementwise.exp(_minus_peak(softmax_input(x, dtype, "softmax"), dim, "softmax"))
    return named(e / sum(e, dim, keepdim=True), "SoftmaxBackward0")


def _check_not_empty(x: Tensor, op: str, dim: Any, dims: tuple[int, ...],
                     error: type[Exception] = RuntimeError) -> None:
    """PyTorch's errors for a max/min over nothing: no dim given on an empty tensor, or a
    reduced dim of size 0."""
    if dim is None and x.numel() == 0:
        raise error(f"{op}: Expected reduction dim to be specified for input.numel() "
                           f"== 0 (shape {tuple(x.shape)}). Specify the reduction dim with "
                           "the 'dim' argument.")
    for d in dims:
        if x.ndim and x.shape[d] == 0:
            raise IndexError(f"{op}: Expected reduction dim {d} to have non-zero size "
                             f"(shape {tuple(x.shape)})")


def _check_float(x: Tensor, op: str) -> None:
    if x.dtype.kind != "f":
        raise RuntimeError(f"{op}: could not infer output dtype. Input dtype must be a "
                           f"floating point dtype, got {x.dtype}")
