"""Distances and statistics built from primitives (the norms are in ``norms.py``):
``cdist``, ``dist``, ``median``, ``nanmedian``,
``kthvalue``, the quantiles, ``aminmax``, ``nansum``/``nanmean``, ``std_mean``/``var_mean``,
``cov`` and ``corrcoef``, and the counts ``count_nonzero``, ``bincount`` and ``histc``
(results outside the graph)."""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from .. import return_types
from ..internal import array_of, wrap
from ..tensor import Tensor
from ..dtypes import get_default_dtype, is_number
from . import cpp_order, elementwise, movement, reduction, selection
from .diagonal import diagonal
from ._util import (contiguous_result, float_input_to, in_dtype, normalize_dim, normalize_dims,
                    row_major_array, unary_input)
from .broadcasting import sum
from .indexing import gather
from .norms import norm
from .out_argument import takes_out
from .selection import compare, locally_constant, where


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str | None = None) -> Tensor:
    """The ``p``-norm distance between each row of ``x1`` (..., P, M) and each row of
    ``x2`` (..., R, M): a (..., P, R) tensor (batch dims broadcast)."""
    for name, t in (("X1", x1), ("X2", x2)):
        if unary_input("cdist", t).ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{t.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"cdist: expected both inputs to have the same dtype, got "
                           f"{x1.dtype} and {x2.dtype}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    gaps = movement.unsqueeze(x1, -2) - movement.unsqueeze(x2, -3)
    return norm(gaps, p, -1)


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """The number of non-zero elements over ``dim`` (all when None), as int64."""
    input = unary_input("count_nonzero", input)
    dims = normalize_dims(dim, input.ndim, "count_nonzero")
    return wrap(row_major_array(np.asarray(np.count_nonzero(array_of(input), axis=dims),
                                           dtype=np.int64)))


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each value ``0..max`` occurs in a 1-d tensor of non-negative integers (at
    least ``minlength`` bins); with ``weights``, their sums per value instead (float32
    weights give float32, others float64). No gradient."""
    array = array_of(unary_input("bincount", input))
    if array.dtype.kind not in "iu":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for {array.dtype}")
    if array.ndim != 1 or (array.size and array.min() < 0) or minlength < 0:
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs (got "
                           f"shape {tuple(array.shape)}, minlength {minlength}).")
    if weights is None:
        return wrap(np.bincount(array, minlength=minlength).astype(np.int64))
    w = array_of(weights)
    if w.shape != array.shape:
        raise RuntimeError(f"bincount: weights should be 1-d and have the same length as "
                           f"input, got {tuple(w.shape)} and {tuple(array.shape)}")
    dtype = np.float32 if w.dtype == np.float32 else np.float64
    return wrap(np.bincount(array, w.astype(np.float64), minlength).astype(dtype))


@takes_out("same")
def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """The lower median (the ``(n - 1) // 2``-th smallest; NaN if there is one). Without
    ``dim``, of all elements, its gradient shared evenly by the elements equal to it; with
    ``dim``, ``(values, indices)`` along it, the gradient going to the indexed element."""
    return _median("median", input, dim, keepdim, return_types.median)


@takes_out("same")
@contiguous_result  # (PyTorch's median keeps the input's layout, its nanmedian does not)
def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """`median` of the elements that are not NaN (NaN where all are), without ``dim`` or
    with it (a slice of NaNs gives the index PyTorch's ``std::nth_element`` puts first)."""
    return _median("nanmedian", input, dim, keepdim, return_types.nanmedian)


def _median(op: str, input: Tensor, dim: int | None, keepdim: bool, pair: type) -> Any:
    input = unary_input(op, input)
    if input.dtype == np.bool_:
        raise NotImplementedError("\"median_cpu\" not implemented for 'Bool'")
    skip_nan = op == "nanmedian"
    if dim is None:
        flat = array_of(input).reshape(-1)
        if flat.size == 0:  # NaN, or for integers (which have none) the lowest value
            empty = np.nan if input.dtype.kind == "f" else np.iinfo(np.int64).min
            return locally_constant(input, np.asarray(empty).astype(input.dtype))
        value = flat[_median_index(flat, 0, skip_nan)]
        return _evenly(input, value)
    if input.ndim == 0:
        return pair(elementwise.clone(input), wrap(np.zeros((), np.int64)))
    dim = normalize_dim(dim, input.ndim, op)
    if input.shape[dim] == 0:
        raise IndexError(f"median(): Expected reduction dim {dim} to have non-zero size "
                         f"(shape {tuple(input.shape)})")
    index = np.expand_dims(_median_index(array_of(input), dim, skip_nan), dim)
    values, indices = gather(input, dim, index), wrap(index)
    if not keepdim:
        values, indices = movement.squeeze(values, dim), movement.squeeze(indices, dim)
    return pair(values, indices)


def _evenly(input: Tensor, value: Any) -> Tensor:
    """``value`` (an element of ``input``) as a 0-d tensor whose gradient is shared evenly
    by the elements equal to it (the NaNs, for NaN), as PyTorch's median() and max()."""
    x = array_of(input)
    hits = np.isnan(x) if value != value else x == value
    if input.dtype.kind != "f":
        return wrap(np.asarray(value))
    shared = sum(where(wrap(hits), input, 0.0)) / int(hits.sum())  # other NaNs left out
    if np.isinf(value):  # already exact, and inf - inf would make it NaN
        return shared
    return wrap(np.asarray(value)) + (shared - shared.detach())  # the exact value


def _median_index(array: np.ndarray, dim: int, skip_nan: bool = False) -> np.ndarray:
    """Where the lower median of each slice along ``dim`` is: the first NaN, if any, or
    with ``skip_nan`` the median of the other elements (NaNs sort last)."""
    order = np.argsort(array, axis=dim, kind="stable")
    n, nan = array.shape[dim], array != array  # NaN: the one value not equal to itself
    kept = n - nan.sum(axis=dim, keepdims=True) if skip_nan else n
    k = np.broadcast_to(np.maximum(kept - 1, 0) // 2, order.take([0], axis=dim).shape)
    index = np.take_along_axis(order, k, dim).squeeze(dim)
    if skip_nan:  # a slice of NaNs only: PyTorch's pick among equals
        return np.where(nan.all(axis=dim), _all_nan_index(n), index).astype(np.int64)
    return np.where(nan.any(axis=dim), np.argmax(nan, axis=dim), index).astype(np.int64)


@functools.lru_cache(maxsize=None)
def _all_nan_index(n: int) -> int:
    """PyTorch's nanmedian index for a slice of ``n`` NaNs: all compare equivalent, so it
    is whichever one ``std::nth_element`` leaves at the front."""
    positions = list(range(n))
    cpp_order.nth_element(positions, 0, lambda a, b: False)
    return positions[0]


@takes_out("dtype")
def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *,
           dtype: Any = None) -> Tensor:
    """The sum over ``dim`` treating NaN as 0 (NaN elements get gradient 0)."""
    input = unary_input("nansum", input)
    if dtype is not None:
        input = in_dtype(input, dtype)
    if input.dtype.kind == "f":
        input = where(compare(np.not_equal, input, input), 0.0, input)
    return sum(input, dim, keepdim, dtype=None if dtype is None else input.dtype)


@takes_out("dtype")
def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *,
            dtype: Any = None) -> Tensor:
    """The mean over ``dim`` of the elements that are not NaN (NaN if all are)."""
    input = float_input_to("nanmean", input, dtype, "nanmean(): expected input to have "
                         "floating point or complex dtype but got {dtype}")
    dims = normalize_dims(dim, input.ndim, "nanmean")
    count = np.sum(~np.isnan(array_of(input)), axis=dims, keepdims=keepdim)
    return nansum(input, dims, keepdim) / wrap(count.astype(input.dtype))


def var_mean(input: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False,
             *, correction: int | None = None) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` over ``dim``, in one call."""
    return (reduction.var(input, dim, unbiased, keepdim, correction=correction),
            reduction.mean(input, dim, keepdim))


def std_mean(input: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False,
             *, correction: int | None = None) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` over ``dim``, in one call."""
    return (reduction.std(input, dim, unbiased, keepdim, correction=correction),
            reduction.mean(input, dim, keepdim))


@takes_out("same")
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False
             ) -> return_types.kthvalue:
    """``(values, indices)``: the ``k``-th smallest element along ``dim`` (1-based) and
    where it is; the gradient goes to that element."""
    input = unary_input("kthvalue", input)
    x = movement.reshape(input, (1,)) if input.ndim == 0 else input
    d = normalize_dim(dim, x.ndim, "kthvalue")
    if x.shape[d] == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= x.shape[d]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if input.dtype == np.bool_ and input.ndim:
        raise NotImplementedError("kthvalue: \"kthvalue_cpu\" not implemented for 'Bool'")
    index = np.expand_dims(_kth_index(array_of(x), k - 1, d), d)
    values, indices = gather(x, d, index), wrap(index)
    if input.ndim == 0:
        return return_types.kthvalue(movement.reshape(values, ()),
                                     movement.reshape(indices, ()))
    if not keepdim:
        values, indices = movement.squeeze(values, d), movement.squeeze(indices, d)
    return return_types.kthvalue(values, indices)


def _kth_index(array: np.ndarray, k: int, dim: int) -> np.ndarray:
    """Where the ``k``-th smallest (0-based) element of each slice along ``dim`` is. Among
    tied elements it is the one PyTorch's quickselect picks: a slice whose k-th value is
    tied (or NaN) runs that quickselect, the others read a stable argsort."""
    rows = np.moveaxis(array, dim, -1)
    flat = rows.reshape(-1, rows.shape[-1])
    order = np.argsort(flat, axis=-1, kind="stable")
    index = order[:, k].copy()
    kth = flat[np.arange(len(flat)), index]
    tied = (flat == kth[:, None]).sum(axis=-1) != 1
    for r in np.nonzero(tied)[0]:
        index[r] = _quickselect(flat[r].tolist(), k)
    return index.reshape(rows.shape[:-1]).astype(np.int64)


def _above(x: float, y: float) -> bool:
    """PyTorch's order for selection: NaN above everything else."""
    return (x != x and y == y) or x > y


def _quickselect(values: list, k: int) -> int:
    """The original position of the ``k``-th smallest of ``values``, by the median-of-three
    quickselect of PyTorch's CPU ``kthvalue`` (step for step, so ties resolve alike)."""
    index = list(range(len(values)))

    def swap(a: int, b: int) -> None:
        values[a], values[b] = values[b], values[a]
        index[a], index[b] = index[b], index[a]

    low, high = 0, len(values) - 1
    while high > low:
        if high == low + 1:
            if _above(values[low], values[high]):
                swap(low, high)
            break
        swap(low + (high - low) // 2, low + 1)
        for a, b in ((low + 1, high), (low, high), (low + 1, low)):
            if _above(values[a], values[b]):
                swap(a, b)
        i, j, pivot = low + 1, high, values[low]
        while True:
            i += 1
            while _above(pivot, values[i]):
                i += 1
            j -= 1
            while _above(values[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(low, j)
        if j <= k:
            low = i
        if j >= k:
            high = j - 1
    return index[k]


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


@takes_out("same", autograd="record")
def quantile(input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The ``q``-quantiles (numbers in [0, 1], or a 1-d tensor of them, which becomes the
    first dim of the result) over ``dim`` (all elements when None), between the sorted
    values as ``interpolation`` says. NaN if a slice has a NaN."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, ignore_nan=False)


@takes_out("same", autograd="record")
def nanquantile(input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    """Like `quantile`, over the elements that are not NaN."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, ignore_nan=True)


def _quantile(op: str, input: Tensor, q: Any, dim: int | None, keepdim: bool,
              interpolation: str, ignore_nan: bool) -> Tensor:
    input = unary_input(op, input)
    if input.dtype.kind != "f":
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype, got "
                           f"{input.dtype}")
    if isinstance(q, Tensor):
        if q.dtype != input.dtype:
            raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor "
                               f"(q: {q.dtype}, input: {input.dtype})")
    elif not is_number(q):
        raise TypeError(f"{op}(): argument 'q' must be a number or a Tensor, not "
                        f"{type(q).__name__}")
    qs = np.asarray(array_of(q) if isinstance(q, Tensor) else q, dtype=np.float64)
    if qs.ndim > 1:
        raise RuntimeError(f"{op}() q must be a scalar or 1D tensor, got shape {qs.shape}")
    if ((qs < 0) | (qs > 1)).any():
        raise RuntimeError(f"{op}() q must be in the range [0, 1] but got {qs.tolist()}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op}() interpolation must be one of {', '.join(_INTERPOLATIONS)}."
                           f" Got {interpolation}")
    if qs.ndim == 1 and qs.size == 0:  # shaped as for one q, with a first dim of 0
        one = _quantile(op, input, wrap(np.zeros(1, input.dtype)), dim, keepdim,
                        interpolation, ignore_nan)
        return movement.narrow(one, 0, 0, 0)
    if dim is None:
        x, d = movement.reshape(input, (-1,)), 0
    else:
        x = movement.reshape(input, (1,)) if input.ndim == 0 else input
        d = normalize_dim(dim, x.ndim, op)
    if input.numel() == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    array = array_of(x)
    order = np.argsort(array, axis=d, kind="stable")  # NaN last
    sorted_ = gather(x, d, order)
    nans = np.isnan(array).sum(axis=d, keepdims=True)
    last = x.shape[d] - 1
    if ignore_nan:  # among the values that are not NaN (sorted first); NaN if none
        ranks = [float(p) * (last - nans) for p in qs.reshape(-1)]
    else:  # a slice with a NaN has the NaN (sorted last) as its quantile, as in PyTorch
        ranks = [np.where(nans > 0, last, float(p) * last) for p in qs.reshape(-1)]
    outs = [_interpolate(sorted_, d, rank, interpolation) for rank in ranks]
    if ignore_nan:
        outs = [where(wrap(nans > last), math.nan, o) for o in outs]
    if dim is None:
        outs = [movement.reshape(o, (1,) * input.ndim if keepdim else ()) for o in outs]
    elif not keepdim:
        outs = [movement.squeeze(o, d) if input.ndim else movement.reshape(o, ()) for o in outs]
    elif input.ndim == 0:
        outs = [movement.reshape(o, ()) for o in outs]
    return outs[0] if qs.ndim == 0 else movement.stack(outs, 0)


def _interpolate(sorted_: Tensor, dim: int, rank: np.ndarray, how: str) -> Tensor:
    """The value at fractional ``rank`` (kept dim) along ``dim`` of sorted values."""
    rank = np.maximum(rank, 0)
    lo, hi = np.floor(rank).astype(np.int64), np.ceil(rank).astype(np.int64)
    if how == "nearest":
        lo = hi = np.round(rank).astype(np.int64)  # halves to even, as PyTorch
    elif how == "lower":
        hi = lo
    elif how == "higher":
        lo = hi
    low, high = gather(sorted_, dim, lo), gather(sorted_, dim, hi)
    if how == "midpoint":
        return low + (high - low) * 0.5
    frac = wrap((rank - lo).astype(sorted_.dtype))
    return low + (high - low) * frac


@takes_out("same")
def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False
            ) -> return_types.aminmax:
    """``(min, max)`` over ``dim`` (all elements when None); tied extremes share the
    gradient evenly, as `amin` and `amax` do."""
    input = unary_input("aminmax", input)
    if dim is None and input.numel() == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    if dim is not None and input.ndim and input.shape[normalize_dim(dim, input.ndim,
                                                                    "aminmax")] == 0:
        raise IndexError(f"aminmax: Expected reduction dim {dim} to have non-zero size.")
    return return_types.aminmax(reduction.amin(input, dim, keepdim),
                                reduction.amax(input, dim, keepdim))


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The ``p``-norm of ``input - other`` (the two broadcast)."""
    return norm(unary_input("dist", input) - other, p)


def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:
    """The covariance matrix of the variables in the rows of ``input`` (observations in
    the columns; a 1-d tensor is one variable), divided by ``N - correction``."""
    input = unary_input("cov", input)
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got "
                           f"an input with {input.ndim} dimensions")
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov(): fweights and aweights are not supported")
    x = input if input.dtype.kind == "f" else input.to(get_default_dtype())
    rows = movement.reshape(x, (1, -1)) if x.ndim < 2 else x
    centered = rows - reduction.mean(rows, 1, keepdim=True)
    n = rows.shape[1]
    out = (centered @ movement.transpose(centered, 0, 1)) / max(n - correction, 0)
    return movement.reshape(out, ()) if rows.shape[0] == 1 else out  # one variable: 0-d


def corrcoef(input: Tensor) -> Tensor:
    """The Pearson correlation coefficients of the rows' variables: `cov` scaled by the
    standard deviations, clipped to [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    spread = elementwise.sqrt(movement.unsqueeze(diagonal(c), 1))
    return selection.clamp((c / spread) / movement.transpose(spread, 0, 1), -1, 1)
