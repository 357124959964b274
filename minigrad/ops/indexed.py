"""Indexing by index tensors, built on the indexing primitives of ``indexing.py``:
``index_select``, ``masked_select``, ``take``, ``take_along_dim`` and
``repeat_interleave`` read with ``getitem`` and ``gather``; ``scatter``, ``index_copy``,
and ``index_fill`` write with ``setitem``; ``scatter_add``, ``scatter_reduce`` and ``index_add`` add with
``scatter_add`` and ``index_add_at``. Their gradients are those of the primitives.

Where PyTorch has an in-place form (``index_add_``), the Tensor method runs the
out-of-place function through ``inplace``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import (as_tensor, broadcast_shape, normalize_dim, tensor_arg, type_name,
                    unary_input)
from .broadcasting import expand, reshape
from .elementwise import clone
from .movement import stack
from .reduction import prod
from .indexing import IndexAddAt, IndexKey, ScatterAdd, _along_axis, gather, getitem, setitem
from .out_argument import takes_out
from .selection import where


def _index_vector(op: str, index: Any, size: int, dim: int, ndim: int) -> np.ndarray:
    """A 0-d or 1-d int32/int64 ``index`` as a 1-d int64 array, every entry in
    ``[0, size)`` (no negative indices, as in PyTorch)."""
    array = array_of(tensor_arg(op, index, "index"))
    if array.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{op}(): Expected dtype int32 or int64 for index, got "
                           f"{array.dtype}")
    if array.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector, got shape "
                         f"{tuple(array.shape)}")
    array = array.reshape(-1).astype(np.int64)
    bad = array[(array < 0) | (array >= size)]
    if bad.size:
        raise _out_of_range_error(op, dim, ndim)(
            f"{op}(): index {int(bad[0])} is out of bounds for dimension {dim} with size "
            f"{size}")
    return array


def _out_of_range_error(op: str, dim: int, ndim: int) -> type:
    """The exception type PyTorch's kernels raise for an index out of range: IndexError,
    except index_select along dim 1 and index_add of a tensor of 2 or more dims."""
    if op.startswith("index_select") and dim == 1 or op.startswith("index_add") and ndim > 1:
        return RuntimeError
    return IndexError


def _dim_key(dim: int, ndim: int, index: np.ndarray) -> IndexKey:
    """The key that picks ``index`` along ``dim`` (every other dim whole)."""
    return IndexKey((slice(None),) * dim + (index,), ndim)


def _dim_of(op: str, input: Tensor, dim: int) -> tuple[int, int]:
    """``dim`` normalized, and its size (a 0-d tensor counts as one element)."""
    dim = normalize_dim(dim, input.ndim, op)
    return dim, input.shape[dim] if input.ndim else 1


@takes_out("same")
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The entries of ``input`` at ``index`` (a 1-d int64 tensor) along ``dim``, a copy."""
    input = unary_input("index_select", input)
    dim, size = _dim_of("index_select", input, dim)
    if size == 0 and isinstance(index, Tensor) and index.numel():  # PyTorch's two errors
        if input.ndim > 1:
            raise RuntimeError(f"index_select(): self indexing axis dim should be positive "
                               f"(dim {dim} of shape {tuple(input.shape)} is empty)")
        raise IndexError("index_select(): index out of range in self (an empty tensor)")
    index = _index_vector("index_select", index, size, dim, input.ndim)
    if input.ndim == 0:  # PyTorch gives the value itself
        if index.size != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got "
                               f"{index.size} value(s)")
        return reshape(getitem(reshape(input, (1,)), index), ())
    return getitem(input, _dim_key(dim, input.ndim, index))


@takes_out("same")
def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``input`` where the bool ``mask`` is True, as a 1-d tensor (the two
    broadcast first)."""
    input = unary_input("masked_select", input)
    mask = tensor_arg("masked_select", mask, "mask")
    if mask.dtype != np.bool_:
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {mask.dtype}")
    try:
        shape = np.broadcast_shapes(input.shape, mask.shape)
    except ValueError:
        raise RuntimeError(f"masked_select: the shapes of input {tuple(input.shape)} and "
                           f"mask {tuple(mask.shape)} cannot be broadcast together") from None
    flat_mask = np.broadcast_to(array_of(mask), shape).reshape(-1)
    return getitem(reshape(expand(input, shape), (-1,)), flat_mask)


@takes_out("same")
def take(input: Tensor, index: Tensor) -> Tensor:
    """``input`` read as 1-d at ``index`` (int64, any shape; negative counts from the
    end): the result has ``index``'s shape."""
    input = unary_input("take", input)
    array = array_of(tensor_arg("take", index, "index"))
    if array.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {array.dtype}")
    n = input.numel()
    bad = array[(array < -n) | (array >= n)]
    if bad.size:
        raise IndexError(f"take(): out of range: tried to access index {int(bad[0])} on a "
                         f"tensor of {n} elements.")
    return getitem(reshape(input, (-1,)), np.mod(array, max(n, 1)))


@takes_out("same")
def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """``gather`` after broadcasting ``input`` and ``indices`` in every dim but ``dim``;
    without ``dim``, both are read as 1-d."""
    input = unary_input("take_along_dim", input)
    array = array_of(tensor_arg("take_along_dim", indices, "indices"))
    if array.dtype != np.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{array.dtype}")
    if dim is None:
        return gather(reshape(input, (-1,)), 0, array.reshape(-1))
    dim = normalize_dim(dim, input.ndim, "take_along_dim")
    if array.ndim != input.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.ndim} dimensions for "
                           f"input, and {array.ndim} dimensions for indices")
    shape = list(broadcast_shape("take_along_dim", _without(input.shape, dim),
                                 _without(array.shape, dim)))
    x = expand(input, tuple(shape[:dim] + [input.shape[dim]] + shape[dim + 1:]))
    index = np.broadcast_to(array, tuple(shape[:dim] + [array.shape[dim]] + shape[dim + 1:]))
    return gather(x, dim, index)


def _without(shape: tuple, dim: int) -> tuple:
    """``shape`` with size 1 at ``dim`` (which does not take part in broadcasting)."""
    return tuple(shape[:dim]) + (1,) + tuple(shape[dim + 1:])


# --- scatter: writes along a dim at an index of the input's rank ---------------------------
def _scatter_index(op: str, input: Tensor, dim: int, index: Any,
                   src: Tensor | None) -> tuple[int, np.ndarray]:
    """Check ``index`` (int64, input's rank, no larger than input and src, in range)."""
    array = array_of(tensor_arg(op, index, "index"))
    dim = normalize_dim(dim, input.ndim, op)
    if array.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{op}(): Expected dtype int64 for index, got {array.dtype}")
    array = array.astype(np.int64, copy=False)
    if array.ndim != input.ndim:
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions "
                           f"as self tensor ({tuple(array.shape)} and {tuple(input.shape)})")
    if src is not None and src.ndim != input.ndim:
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions "
                           f"as src tensor ({tuple(array.shape)} and {tuple(src.shape)})")
    for d, n in enumerate(array.shape if array.size else ()):  # an empty index: no check
        if (d != dim and n > input.shape[d]) or (src is not None and n > src.shape[d]):
            raise RuntimeError(f"{op}(): Expected index {tuple(array.shape)} to be smaller "
                               f"than self {tuple(input.shape)} apart from dimension {dim}"
                               + ("" if src is None else
                                  f" and to be smaller size than src {tuple(src.shape)}"))
    size = input.shape[dim] if input.ndim else 1
    bad = array[(array < 0) | (array >= size)]
    if bad.size:
        raise RuntimeError(f"{op}(): index {int(bad[0])} is out of bounds for dimension "
                           f"{dim} with size {size}")
    return dim, array


def _same_dtype(op: str, input: Tensor, src: Tensor, name: str = "src") -> None:
    if src.dtype != input.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to {name}.dtype, got "
                           f"{input.dtype} and {src.dtype}")


def _leading(src: Tensor, shape: tuple[int, ...], node: str | None = None) -> Tensor:
    """The leading ``shape`` block of ``src`` (PyTorch reads only that much of src).

    PyTorch's backward of ``scatter``, ``scatter_add`` and ``scatter_reduce`` (sum, mean)
    then fails for a src larger than the index, with a RuntimeError naming its ``node``;
    the block carries a hook that raises the same error when a gradient reaches it."""
    if src.shape == shape:
        return src
    block = getitem(src, tuple(slice(0, n) for n in shape))
    if node is not None and block.requires_grad:
        def refuse(_: Tensor) -> None:
            raise RuntimeError(f"Function {node} returned an invalid gradient at index 1 - "
                               f"got {list(shape)} but expected shape compatible with "
                               f"{list(src.shape)} (PyTorch's backward of a src larger "
                               f"than its index)")
        block.register_hook(refuse)
    return block


@takes_out("same")
def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:
    """A copy of ``input`` with ``out[..., index[i, j], ...] = src[i, j]`` along ``dim``
    (``src`` a tensor, or a number as ``value``). With ``reduce='add'`` the values add up
    instead (as `scatter_add`)."""
    input = unary_input("scatter", input)
    if src is None and value is None:
        raise TypeError("scatter(): expected a src tensor or a value")
    if reduce is not None:
        if reduce != "add":
            raise NotImplementedError(f"scatter(): only reduce='add' is supported, got "
                                      f"reduce={reduce!r}")
        if not isinstance(src if src is not None else value, Tensor):  # a number each
            src = as_tensor(np.full(tuple(index.shape), src if src is not None else value,
                                    dtype=input.dtype), "scatter")
        return scatter_add(input, dim, index, src if src is not None else value)
    given = src if src is not None else value
    if isinstance(given, Tensor):
        _same_dtype("scatter", input, given)
        dim, array = _scatter_index("scatter", input, dim, index, given)
        values = _leading(given, array.shape, "ScatterBackward0")
    else:
        dim, array = _scatter_index("scatter", input, dim, index, None)
        values = given.to(input.dtype) if isinstance(given, Tensor) else \
            as_tensor(np.asarray(given).astype(input.dtype), "scatter")
    if not array.size:  # nothing is written (and PyTorch checks no sizes)
        return clone(input)
    if input.ndim == 0:
        return setitem(input, ..., values)
    return setitem(input, IndexKey(_along_axis(array, dim), input.ndim), values)


@takes_out("same")
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src[i, j]`` added at ``index[i, j]`` along ``dim``;
    repeated indices add up."""
    input = unary_input("scatter_add", input)
    src = tensor_arg("scatter_add", src, "src")
    _same_dtype("scatter_add", input, src)
    dim, array = _scatter_index("scatter_add", input, dim, index, src)
    if not array.size:
        return clone(input)
    if input.ndim == 0:
        return input + reshape(src, ())
    return input + ScatterAdd.apply(_leading(src, array.shape, "ScatterAddBackward0"), dim,
                                    array, input.shape)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


@takes_out("same")
def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """A copy of ``input`` where each position that ``index`` points at (along ``dim``)
    holds the ``reduce`` (``'sum'``, ``'mean'``, ``'amax'`` or ``'amin'``) of the ``src``
    values sent there, and of its own value with ``include_self``. Integer means round
    down. Tied extremes share the gradient evenly, as in PyTorch."""
    input = unary_input("scatter_reduce", input)
    src = tensor_arg("scatter_reduce", src, "src")
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # PyTorch's aliases
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, "
                           f"got {reduce}")
    if reduce == "prod":
        raise NotImplementedError("scatter_reduce: reduce='prod' is not supported")
    _same_dtype("scatter_reduce", input, src)
    dim, array = _scatter_index("scatter_reduce", input, dim, index, src)
    if not array.size:
        return clone(input)
    src = _leading(src, array.shape, "ScatterReduceBackward0" if reduce in ("sum", "mean")
                   else None)
    at = _along_axis(array, dim)
    sent = np.zeros(input.shape, np.int64)
    np.add.at(sent, at, 1)
    if reduce in ("sum", "mean"):
        kept = input if include_self else where(wrap(sent > 0), wrap(
            np.zeros((), input.dtype)), input)
        total = kept + ScatterAdd.apply(src, dim, array, input.shape)
        if reduce == "sum":
            return total
        count = wrap(np.maximum(sent + int(include_self), 1).astype(input.dtype))
        return total / count if input.dtype.kind == "f" else total // count
    return _scatter_extreme(input, src, dim, array, at, sent, reduce, include_self)


def _scatter_extreme(input: Tensor, src: Tensor, dim: int, array: np.ndarray, at: tuple,
                     sent: np.ndarray, reduce: str, include_self: bool) -> Tensor:
    """amax/amin: the values from the arrays; the gradient shared by the elements equal to
    the result (the input's own element counted in the share even when it is left out,
    as PyTorch counts it)."""
    x, values = array_of(input), array_of(src)
    pick = np.maximum if reduce == "amax" else np.minimum
    if include_self:
        out = x.copy()
    else:
        fill = -np.inf if reduce == "amax" else np.inf
        if x.dtype.kind != "f":
            info = np.iinfo(x.dtype) if x.dtype.kind in "iu" else None
            fill = (info.min if reduce == "amax" else info.max) if info else fill
        out = np.where(sent > 0, np.asarray(fill).astype(x.dtype), x)
    pick.at(out, at, values)
    hits_self = (x == out).astype(np.float64)
    hits_src = (values == out[at]).astype(np.float64)
    count = hits_self.copy()
    np.add.at(count, at, hits_src)
    count = np.maximum(count, 1)
    if not include_self:
        hits_self = np.where(sent > 0, 0.0, hits_self)
    if input.dtype.kind != "f":
        return wrap(out)
    share_self = wrap((hits_self / count).astype(x.dtype))
    share_src = wrap((hits_src / count[at]).astype(x.dtype))
    routed = input * share_self + ScatterAdd.apply(src * share_src, dim, array, input.shape)
    # exact values (sums of shares could round), the gradient of the shares
    return wrap(out) + (routed - routed.detach())


# --- index_*: writes along a dim at a 1-d index ------------------------------------------
def _index_source(op: str, input: Tensor, dim: int, index: Any,
                  source: Tensor) -> tuple[int, np.ndarray]:
    source = tensor_arg(op, source, "source")
    dim, size = _dim_of(op, input, dim)
    array = _index_vector(op, index, size, dim, input.ndim)
    if source.dtype != input.dtype:
        raise RuntimeError(f"{op}(): self ({input.dtype}) and source ({source.dtype}) must "
                           f"have the same scalar type")
    expected = list(input.shape)
    if input.ndim:
        expected[dim] = len(array)
    if list(source.shape) != expected:
        raise RuntimeError(f"{op}(): Number of indices ({len(array)}) should be equal to "
                           f"source.size(dim) and the other dims should match: self "
                           f"{tuple(input.shape)}, source {tuple(source.shape)}, dim {dim}")
    return dim, array


@takes_out("same")
def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *,
              alpha: Any = 1) -> Tensor:
    """A copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim``
    (repeated indices add up)."""
    input = unary_input("index_add", input)
    dim, array = _index_source("index_add", input, dim, index, source)
    scaled = source if alpha == 1 else source * alpha
    if input.ndim == 0:
        return input + reshape(scaled, ()) * len(array)
    return input + IndexAddAt.apply(reshape(scaled, _selected_shape(input, dim, array)),
                                    _dim_key(dim, input.ndim, array), input.shape)


_INDEX_REDUCTIONS = ("prod", "mean", "amax", "amin")


@takes_out("same")
def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """A copy of ``input`` whose slices at ``index`` along ``dim`` are reduced
    (``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``) with the slices of ``source``, and
    with their own values unless ``include_self`` is False: `scatter_reduce` with
    ``index`` spread over the other dims."""
    input = unary_input("index_reduce", input)
    if reduce not in _INDEX_REDUCTIONS:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax "
                           f"or amin, got {reduce}.")
    dim, array = _index_source("index_reduce", input, dim, index, source)
    if input.ndim == 0:
        return reshape(index_reduce(reshape(input, (1,)), 0, index, reshape(source, (-1,)),
                                    reduce, include_self=include_self), ())
    if reduce == "prod":
        return _index_prod(input, dim, array, source, include_self)
    along = [1] * input.ndim
    along[dim] = len(array)
    spread = np.ascontiguousarray(np.broadcast_to(array.reshape(along), source.shape))
    return scatter_reduce(input, dim, wrap(spread), source, reduce, include_self=include_self)


def _index_prod(input: Tensor, dim: int, array: np.ndarray, source: Tensor,
                include_self: bool) -> Tensor:
    """index_reduce's ``'prod'``: for each distinct index, the product of its slices of
    ``source`` (times its slice of ``input`` if ``include_self``), written there."""
    targets = np.unique(array)
    if not targets.size:
        return clone(input)
    products = stack([prod(index_select(source, dim, wrap(np.flatnonzero(array == i))), dim)
                      for i in targets], dim)
    if include_self:
        products = products * index_select(input, dim, wrap(targets))
    return index_copy(input, dim, wrap(targets), products)


def _selected_shape(input: Tensor, dim: int, array: np.ndarray) -> tuple[int, ...]:
    shape = list(input.shape)
    shape[dim] = len(array)
    return tuple(shape)


@takes_out("same")
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with the slices of ``source`` written at ``index`` along
    ``dim``."""
    input = unary_input("index_copy", input)
    dim, array = _index_source("index_copy", input, dim, index, source)
    if input.ndim == 0:
        return setitem(input, ..., reshape(source, ()))
    return setitem(input, _dim_key(dim, input.ndim, array),
                   reshape(source, _selected_shape(input, dim, array)))


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` (a number or a 0-d tensor) at ``index`` along
    ``dim``."""
    input = unary_input("index_fill", input)
    dim, size = _dim_of("index_fill", input, dim)
    array = _index_vector("index_fill", index, size, dim, input.ndim)
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but "
                               f"got tensor with {value.ndim} dimension(s).")
        value = value.to(input.dtype)
    else:
        value = wrap(np.asarray(value).astype(input.dtype))
    if input.ndim == 0:
        return setitem(input, ..., value) if array.size else input * 1
    return setitem(input, _dim_key(dim, input.ndim, array), value)


def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Each element (each slice along ``dim``) repeated ``repeats`` times in place: an int,
    or an int64 tensor with one count per element. Without ``dim`` the input is flattened
    first. ``repeat_interleave(counts)`` alone repeats ``arange(len(counts))``."""
    input = unary_input("repeat_interleave", input)
    if repeats is None:  # torch.repeat_interleave(repeats)
        counts = _counts(input, input.numel())
        return wrap(np.repeat(np.arange(len(counts), dtype=np.int64), counts))
    if dim is None:
        input, dim = reshape(input, (-1,)), 0
    elif input.ndim == 0:  # PyTorch reads the dim after making the input 1-d, and refuses
        raise IndexError(f"repeat_interleave: Dimension out of range (expected to be in "
                         f"range of [-1, 0], but got {dim + 1 if dim >= 0 else dim})")
    dim, size = _dim_of("repeat_interleave", input, dim)
    if isinstance(repeats, Tensor):
        counts = _counts(repeats, size)
    else:
        if isinstance(repeats, bool) or not isinstance(repeats, (int, np.integer)):
            raise TypeError(f"repeat_interleave(): argument 'repeats' must be int or Tensor, "
                            f"not {type_name(repeats)}")
        counts = _counts(wrap(np.asarray(repeats, np.int64)), size)
    index = np.repeat(np.arange(size, dtype=np.int64), counts)
    if input.ndim == 0:
        input = reshape(input, (1,))
    return getitem(input, _dim_key(dim, input.ndim, index))


def _counts(repeats: Tensor, size: int) -> np.ndarray:
    """Repeat counts, one per element along the dim (a single count is used for all)."""
    array = array_of(repeats)
    if array.dtype.kind not in "iu":
        raise RuntimeError(f"repeat_interleave: repeats has to be Long or Int tensor, got "
                           f"{array.dtype}")
    if array.ndim > 1:
        raise RuntimeError(f"repeat_interleave: repeats must be 0-dim or 1-dim tensor, got "
                           f"shape {tuple(array.shape)}")
    if (array < 0).any():
        raise RuntimeError("repeat_interleave: repeats can not be negative")
    if array.size == 1:
        return np.full(size, int(array.reshape(-1)[0]), np.int64)
    if array.size != size:
        raise RuntimeError(f"repeat_interleave: repeats must have the same size as input "
                           f"along dim, but got repeats.size(0) = {array.size} and "
                           f"input.size(dim) = {size}")
    return array.astype(np.int64)
