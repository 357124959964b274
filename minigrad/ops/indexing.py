"""Indexing primitives, in adjoint pairs.

* ``getitem`` (``x[index]``) and ``index_add_at`` (add g into zeros at ``index``) are each
  other's backward. Repeated integer indices add up, as ``np.add.at`` does.
* ``gather`` (``take_along_axis``) and ``scatter_add`` are each other's backward.
* ``setitem`` is the out-of-place form of ``x[index] = value``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function, register
from ..tensor import Tensor
from . import reduction
from ._util import as_tensor, normalize_dim


def _is_basic(index: tuple) -> bool:
    """True when ``index`` uses only ints, slices, None and Ellipsis (no repeats possible)."""
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis
               for i in index)


@register("getitem")
class GetItem(Function):
    """z = x[index].  dz/dx: g added into zeros of x's shape at ``index``."""

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape = x.shape
        out = x[index]
        return out if isinstance(out, np.ndarray) else np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        return IndexAddAt.apply(g, ctx.args[1], ctx.shape), None


@register("index_add_at")
class IndexAddAt(Function):
    """z = zeros(shape) with g added at ``index`` (repeats add up).  dz/dg = g_out[index]."""

    @staticmethod
    def forward(ctx, g, index, shape):
        out = np.zeros(shape, dtype=g.dtype)
        if _is_basic(index):
            out[index] = g
        else:
            np.add.at(out, index, g)
        return out

    @staticmethod
    def backward(ctx, gg):
        return GetItem.apply(gg, ctx.args[1]), None, None


@register("setitem")
class SetItem(Function):
    """z = copy of x with z[index] = v.  dz/dx = g with zeros at index; dz/dv = g[index]."""

    @staticmethod
    def forward(ctx, x, v, index):
        ctx.v_shape = v.shape
        out = x.copy()
        out[index] = v
        return out

    @staticmethod
    def backward(ctx, g):
        index = ctx.args[2]
        gx = gv = None
        if ctx.needs_input_grad[0]:
            gx = SetItem.apply(g, Tensor._wrap(np.zeros((), dtype=g.dtype)), index)
        if ctx.needs_input_grad[1]:
            gv = reduction.sum_to(GetItem.apply(g, index), ctx.v_shape)
        return gx, gv, None


def _along_axis(index: np.ndarray, dim: int) -> tuple:
    """The full fancy index that points at ``index`` along ``dim`` (for np.add.at)."""
    grids = list(np.indices(index.shape, sparse=True))
    grids[dim] = index
    return tuple(grids)


@register("gather")
class Gather(Function):
    """z[..., i, ...] = x[..., index[..., i, ...], ...] along ``dim``.  dz/dx: scatter_add."""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape = x.shape
        return np.take_along_axis(x, index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        _, dim, index = ctx.args
        return ScatterAdd.apply(g, dim, index, ctx.shape), None, None


@register("scatter_add")
class ScatterAdd(Function):
    """z = zeros(shape) with g added at ``index`` along ``dim``.  dz/dg: gather."""

    @staticmethod
    def forward(ctx, g, dim, index, shape):
        out = np.zeros(shape, dtype=g.dtype)
        np.add.at(out, _along_axis(index, dim), g)
        return out

    @staticmethod
    def backward(ctx, gg):
        _, dim, index, _ = ctx.args
        return Gather.apply(gg, dim, index), None, None, None


# --- public functions --------------------------------------------------------------------
def _index_key(index: Any) -> tuple:
    """A NumPy index from a user index: tensors and lists become arrays."""
    items = index if isinstance(index, tuple) else (index,)
    key = []
    for item in items:
        if isinstance(item, Tensor):
            item = item._data
        elif isinstance(item, list):
            item = np.asarray(item)
        if isinstance(item, np.ndarray) and item.dtype.kind not in "biu":
            raise IndexError(f"getitem: tensors used as indices must be long, int or bool, "
                             f"got {item.dtype}")
        key.append(item)
    return tuple(key)


def _checked(op: str, shape: tuple, run: Any) -> Any:
    try:
        return run()
    except IndexError as err:
        raise IndexError(f"{op}: {err} (indexing a tensor of shape {tuple(shape)})") from None


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]`` with ints, slices, None, Ellipsis, integer arrays and bool masks."""
    key = _index_key(index)
    return _checked("getitem", x.shape, lambda: GetItem.apply(x, key))


def prepare_setitem(x: Tensor, index: Any, value: Any) -> tuple[tuple, Tensor]:
    """Check that ``value`` fits ``x[index]``; return the NumPy index and the value tensor."""
    key = _index_key(index)
    value = as_tensor(value, x)
    target = _checked("setitem", x.shape,
                      lambda: np.broadcast_to(np.empty((), np.uint8), x.shape)[key].shape)
    try:
        np.broadcast_shapes(value.shape, target)
    except ValueError:
        raise ValueError(f"setitem: cannot assign a value of shape {tuple(value.shape)} to "
                         f"an indexed region of shape {tuple(target)}") from None
    return key, value


def setitem(x: Tensor, index: Any, value: Any) -> Tensor:
    """A copy of ``x`` with ``value`` written at ``index`` (differentiable in both)."""
    key, value = prepare_setitem(x, index, value)
    return SetItem.apply(x, value, key)


def gather(x: Tensor, dim: int, index: Any) -> Tensor:
    """Pick values along ``dim`` at ``index`` (an integer tensor of x's ndim), as
    ``torch.gather``."""
    index = index._data if isinstance(index, Tensor) else np.asarray(index)
    dim = normalize_dim(dim, x.ndim, "gather")
    if index.dtype.kind not in "iu" or index.ndim != x.ndim:
        raise RuntimeError(f"gather: index must be an integer tensor with the same number of "
                           f"dims as the input ({x.ndim}), got dtype {index.dtype} and shape "
                           f"{tuple(index.shape)}")
    if index.size and (index.min() < -x.shape[dim] or index.max() >= x.shape[dim]):
        raise IndexError(f"gather: index out of range for dim {dim} of size {x.shape[dim]}")
    return Gather.apply(x, dim, index)
