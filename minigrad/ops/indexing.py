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
from ..dtypes import is_number
from ..internal import array_of, named, wrap
from ..tensor import Tensor
from ..tensor_args import checked_cast
from .broadcasting import sum_to
from ._util import alias, byte_strides, normalize_dim, row_major_array, type_name
from .out_argument import takes_out


def _is_int(item: Any) -> bool:
    return isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_))


class IndexKey:
    """A user index split the way PyTorch applies it: first the basic part (ints, slices,
    None, Ellipsis), which gives a view, then the advanced part (integer arrays and bool
    masks) on that view.

    It differs from NumPy only when ints and arrays are mixed: ``x[0, :, [0]]`` has shape
    (2, 1) for x of shape (1, 2, 1), as in PyTorch, where NumPy gives (1, 2). A bool
    scalar, as in PyTorch, is a new axis (basic) indexed by [0] for True or by nothing
    for False (advanced), so ``x[0, :, True]`` is (2, 1) for x of shape (1, 2).
    """

    __slots__ = ("basic", "advanced")

    def __init__(self, items: tuple, ndim: int, consumed: int | None = None) -> None:
        if consumed is None:  # the dimensions the items other than Ellipsis index
            consumed = sum(_width(i) for i in items)
        basic, advanced = [], []
        for item in items:
            if item is Ellipsis:
                basic.append(Ellipsis)
                advanced.extend([slice(None)] * max(ndim - consumed, 0))
            elif isinstance(item, bool):
                basic.append(None)
                advanced.append(np.zeros(int(item), np.intp))
            elif isinstance(item, np.ndarray):
                width = item.ndim if item.dtype == np.bool_ else 1
                basic.extend([slice(None)] * width)
                advanced.append(item)
            else:
                basic.append(item)
                if not _is_int(item):
                    advanced.append(slice(None))
        if not any(i is Ellipsis for i in basic):
            basic.append(Ellipsis)  # so that the result is always a view, even when 0-d
        while advanced and isinstance(advanced[-1], slice):  # trailing slices index nothing
            advanced.pop()
        self.basic = tuple(basic)
        has_arrays = any(isinstance(i, np.ndarray) for i in advanced)
        self.advanced = tuple(advanced) if has_arrays else ()

    def view(self, array: np.ndarray) -> np.ndarray:
        """The basic part: a view of ``array``, with the strides PyTorch gives it. A new dim
        (None) gets the stride PyTorch's unsqueeze gives it, the extent of the input dim
        indexed next (NumPy gives 0); a slice multiplies the stride by its step even when
        it selects nothing (NumPy then keeps the stride)."""
        out = array[self.basic]
        strides = self._strides(array)
        if strides == out.strides:
            return out
        return alias(out, out.shape, strides)

    def _strides(self, array: np.ndarray) -> tuple[int, ...]:
        """PyTorch's strides, in bytes, of the basic part of ``array``."""
        given = byte_strides(array)
        indexed = sum(1 for item in self.basic if item is not None and item is not Ellipsis)
        strides, source = [], 0
        for item in self.basic:
            if item is None:
                strides.append(array.shape[source] * given[source]
                               if source < array.ndim else array.itemsize)
            elif item is Ellipsis:
                strides.extend(given[source:source + array.ndim - indexed])
                source += array.ndim - indexed
            else:
                if not _is_int(item):
                    step = item.indices(array.shape[source])[2]
                    strides.append(given[source] * step)
                source += 1
        return tuple(strides)

    def read(self, array: np.ndarray) -> np.ndarray:
        out = self.view(array)  # advanced indexing gathers into a row-major copy, as torch
        return row_major_array(out[self.advanced_on(out)]) if self.advanced else out

    def advanced_on(self, view: np.ndarray) -> tuple:
        """The advanced part, ready for ``view``. An empty view reads and writes nothing,
        and PyTorch then checks no bounds except on an axis of size 0: other indices are
        wrapped into range here so that NumPy does not check them either."""
        if view.size:
            return self.advanced
        items, axis = [], 0
        for item in self.advanced:
            if isinstance(item, np.ndarray) and item.dtype != np.bool_:
                size = view.shape[axis]
                if size == 0 and item.size:
                    raise IndexError("index is out of bounds for dimension with size 0")
                items.append(np.mod(item, size) if size else item)
                axis += 1
            else:
                items.append(item)
                axis += item.ndim if isinstance(item, np.ndarray) else 1
        return tuple(items)

    def __repr__(self) -> str:
        return f"IndexKey({self.basic!r}, {self.advanced!r})"


def _width(item: Any) -> int:
    """The dimensions one index item indexes: a mask's ndim; none for None, Ellipsis and a
    bool; else one."""
    if isinstance(item, np.ndarray) and item.dtype in (np.bool_, np.uint8):
        return item.ndim
    return 0 if item is None or item is Ellipsis or isinstance(item, bool) else 1


def _as_key(index: Any, ndim: int) -> IndexKey:
    if isinstance(index, IndexKey):
        return index
    items = _user_items(index)
    consumed = sum(_width_for_ellipsis(i) for i in items)
    return IndexKey(_index_items(items), ndim, consumed)


def _width_for_ellipsis(item: Any) -> int:
    """The dimensions PyTorch counts for a user's index item when it works out how many an
    Ellipsis stands for: a mask tensor counts as its ndim, but a mask given as a NumPy
    array or a list as one."""
    if isinstance(item, Tensor):
        return _width(array_of(item))
    return 1 if isinstance(item, (np.ndarray, list)) else _width(item)


@register("getitem")
class GetItem(Function):
    """z = x[index].  dz/dx: g added into zeros of x's shape at ``index``."""

    is_view = True

    @staticmethod
    def forward(ctx, x, index):
        ctx.config = (None, index)
        ctx.shape, ctx.key = x.shape, _as_key(index, x.ndim)
        return np.asarray(ctx.key.read(x))

    @staticmethod
    def backward(ctx, g):
        return IndexAddAt.apply(g, ctx.key, ctx.shape), None


@register("index_add_at")
class IndexAddAt(Function):
    """z = zeros(shape) with g added at ``index`` (repeats add up).  dz/dg = g_out[index]."""

    @staticmethod
    def forward(ctx, g, index, shape):
        ctx.config = (None, index, shape)
        ctx.key = _as_key(index, len(shape))
        out = np.zeros(shape, dtype=g.dtype)
        target = ctx.key.view(out)
        if ctx.key.advanced:
            np.add.at(target, ctx.key.advanced_on(target), g)
        else:  # basic indexing never repeats a position
            target[...] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        return GetItem.apply(gg, ctx.key), None, None


@register("setitem")
class SetItem(Function):
    """z = copy of x with z[index] = v.  dz/dx = g with zeros at index; dz/dv = g[index]."""

    @staticmethod
    def forward(ctx, x, v, index):
        ctx.config = (None, None, index)
        ctx.v_shape, ctx.key = v.shape, _as_key(index, x.ndim)
        out = x.copy()
        write(out, ctx.key, v)
        return out

    @staticmethod
    def backward(ctx, g):
        gx = gv = None
        if ctx.needs_input_grad[0]:
            gx = SetItem.apply(g, wrap(np.zeros((), dtype=g.dtype)), ctx.key)
        if ctx.needs_input_grad[1]:
            gv = sum_to(GetItem.apply(g, ctx.key), ctx.v_shape)
        return gx, gv, None


def write(array: np.ndarray, key: IndexKey, value: np.ndarray) -> None:
    """``array[key] = value`` in place; a value that does not broadcast to the region
    raises PyTorch's RuntimeError."""
    target = key.view(array)
    where = key.advanced_on(target) if key.advanced else ...
    try:
        target[where] = value
    except ValueError:
        raise RuntimeError(f"setitem: shape mismatch: value tensor of shape "
                           f"{list(np.shape(value))} cannot be broadcast to indexing result "
                           f"of shape {list(target[where].shape)}") from None


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
        ctx.config = (None, dim, index)
        ctx.shape = x.shape
        # torch.gather reads only the leading part of the other dims (no broadcasting)
        window = tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(index.shape))
        return np.take_along_axis(x[window], index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        _, dim, index = ctx.config
        return ScatterAdd.apply(g, dim, index, ctx.shape), None, None


@register("scatter_add")
class ScatterAdd(Function):
    """z = zeros(shape) with g added at ``index`` along ``dim``.  dz/dg: gather."""

    @staticmethod
    def forward(ctx, g, dim, index, shape):
        ctx.config = (None, dim, index, shape)
        out = np.zeros(shape, dtype=g.dtype)
        np.add.at(out, _along_axis(index, dim), g)
        return out

    @staticmethod
    def backward(ctx, gg):
        _, dim, index, _ = ctx.config
        return Gather.apply(gg, dim, index), None, None, None


# --- public functions --------------------------------------------------------------------
def _user_items(index: Any) -> tuple:
    """The items of a user index as PyTorch splits it."""
    if isinstance(index, list) and any(
            isinstance(i, (list, tuple, slice, Tensor, np.ndarray)) or i is None or
            i is Ellipsis for i in index):
        index = tuple(index)  # PyTorch's legacy reading of x[[rows, cols]]
    return index if isinstance(index, tuple) else (index,)


def _index_items(items: tuple) -> tuple:
    """The items of a user index as PyTorch reads them, with tensors, lists and ranges
    as arrays."""
    key, seen_ellipsis = [], False
    for item in items:
        if item is Ellipsis:
            if seen_ellipsis:
                continue  # PyTorch accepts x[..., ...]
            seen_ellipsis = True
        key.append(_index_item(item))
    return tuple(key)


def _index_item(item: Any) -> Any:
    if isinstance(item, (str, bytes)):
        raise TypeError(f"getitem: an index cannot be a {type(item).__name__} ({item!r})")
    if isinstance(item, np.bool_):
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and "
                         "long or byte tensors are valid indices, got a NumPy bool")
    if isinstance(item, Tensor):
        item = array_of(item)
        if item.dtype.kind == "f":
            raise IndexError(f"tensors used as indices must be long, int, byte or bool "
                             f"tensors, got {item.dtype}")
    elif isinstance(item, range):
        item = np.arange(item.start, item.stop, item.step)
    elif isinstance(item, list):
        item = np.asarray(item) if item else np.zeros(0, dtype=np.int64)
    if isinstance(item, slice) and item.step is not None and item.step <= 0:
        raise ValueError("getitem: slice step cannot be zero" if item.step == 0 else
                         "getitem: step must be greater than zero")
    if isinstance(item, np.ndarray):
        if item.size == 0 and item.dtype.kind == "f":
            item = item.astype(np.int64)  # PyTorch reads an empty index as an empty long
        if item.dtype not in _INDEX_DTYPES:
            raise IndexError(f"tensors used as indices must be long, int, byte or "
                             f"bool tensors, got {item.dtype}")
        if item.dtype == np.uint8:
            item = item.astype(bool)  # PyTorch reads a byte tensor as a mask
        elif item.ndim == 0 and item.dtype.kind == "i":
            item = int(item)  # a 0-d integer index selects like an int: a view
    return item


_INDEX_DTYPES = {np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.uint8),
                 np.dtype(np.bool_)}


def _checked(op: str, shape: tuple, run: Any) -> Any:
    try:
        return run()
    except IndexError as err:
        raise IndexError(f"{op}: {err} (indexing a tensor of shape {tuple(shape)})") from None


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]`` with ints, slices, None, Ellipsis, integer arrays and bool masks."""
    out = _checked("getitem", x.shape, lambda: GetItem.apply(x, _as_key(index, x.ndim)))
    return named(out, _node_name(index, x.shape))


def _node_name(index: Any, shape: tuple) -> str:
    """PyTorch's name for the node of ``x[index]``: that of the last step it applies
    (``x[0, 1:]`` selects then slices: SliceBackward0). Any array or bool makes it an
    IndexBackward0; a tuple's slices that keep a whole dimension are no step, and an
    index with no step at all is an AliasBackward0, except a lone slice (``x[:]``)."""
    items = _user_items(index)
    if any(isinstance(i, (bool, list, range, np.ndarray)) or
           (isinstance(i, Tensor) and i.ndim > 0) or
           (isinstance(i, Tensor) and i.dtype == np.bool_) for i in items):
        return "IndexBackward0"
    if isinstance(index, slice):
        return "SliceBackward0"
    name, dim = "AliasBackward0", 0
    consumed = sum(i is not None and i is not Ellipsis for i in items)
    for item in items:
        if item is None:
            name = "UnsqueezeBackward0"
        elif item is Ellipsis:  # (a second Ellipsis stands for no dimension)
            dim, consumed = dim + len(shape) - consumed, len(shape)
        elif isinstance(item, slice):
            if item.indices(shape[dim]) != (0, shape[dim], 1):
                name = "SliceBackward0"
            dim += 1
        else:  # an int (or a 0-d integer tensor) selects
            name = "SelectBackward0"
    return name


def reverse(x: Tensor, dims: Any) -> Tensor:
    """``x`` with the order along each of ``dims`` (normalized) reversed, as a view; user
    indices may not do this (PyTorch refuses negative steps), so it skips their check."""
    key = tuple(slice(None, None, -1) if d in dims else slice(None) for d in range(x.ndim))
    return GetItem.apply(x, IndexKey(key, x.ndim))


def is_advanced(x: Tensor, index: Any) -> bool:
    """Whether ``x[index]`` has an advanced part (integer arrays or bool masks)."""
    return bool(_as_key(index, x.ndim).advanced)


def prepare_setitem(x: Tensor, index: Any, value: Any) -> tuple[IndexKey, Tensor]:
    """Check that ``value`` fits ``x[index]``; return the index key and the value tensor."""
    key = _as_key(index, x.ndim)
    if isinstance(value, Tensor) and value.dtype != x.dtype and key.advanced and \
            not _fills_by_mask(key, value):
        raise RuntimeError(f"setitem: Index put requires the source and destination dtypes "
                           f"match, got {x.dtype} for the destination and {value.dtype} for "
                           f"the source.")
    value = _setitem_value(x, value)
    target = _checked("setitem", x.shape,
                      lambda: key.read(np.broadcast_to(np.empty((), np.uint8), x.shape)).shape)
    try:
        np.broadcast_shapes(value.shape, target)
    except ValueError:
        raise RuntimeError(f"setitem: cannot assign a value of shape {tuple(value.shape)} to "
                         f"an indexed region of shape {tuple(target)}") from None
    return key, value


def _setitem_value(x: Tensor, value: Any) -> Tensor:
    """The value of ``x[index] = value`` as a tensor: a Tensor as it is, a number in
    ``x``'s dtype. PyTorch refuses lists, tuples and ndarrays."""
    if isinstance(value, Tensor):
        return value
    if not is_number(value):
        raise TypeError(f"setitem: can't assign a {type_name(value)} to a {x.type()}")
    return wrap(checked_cast("setitem", value, x.dtype))


def _fills_by_mask(key: IndexKey, value: Tensor) -> bool:
    """Whether PyTorch writes ``value`` as a masked fill, converting its dtype: one element
    written through a single bool mask (not a bool scalar, which PyTorch reads as an
    index). Other advanced writes need equal dtypes."""
    arrays = [item for item in key.advanced if isinstance(item, np.ndarray)]
    return (value.numel() == 1 and len(arrays) == 1 and arrays[0].dtype == np.bool_
            and arrays[0].ndim > 0)


def setitem(x: Tensor, index: Any, value: Any) -> Tensor:
    """A copy of ``x`` with ``value`` written at ``index`` (differentiable in both)."""
    key, value = prepare_setitem(x, index, value)
    return SetItem.apply(x, value, key)


@takes_out("same")
def gather(x: Tensor, dim: int, index: Any, *, sparse_grad: bool = False) -> Tensor:
    """Pick values along ``dim`` at ``index`` (an integer tensor of x's ndim, each value in
    ``[0, x.shape[dim])``: PyTorch does not wrap negative ones), as ``torch.gather``.
    ``sparse_grad`` is accepted for PyTorch's signature; the gradient is always dense."""
    index = array_of(index) if isinstance(index, Tensor) else np.asarray(index)
    dim = normalize_dim(dim, x.ndim, "gather")
    if index.dtype.kind not in "iu" or index.ndim != x.ndim:
        raise RuntimeError(f"gather: index must be an integer tensor with the same number of "
                           f"dims as the input ({x.ndim}), got dtype {index.dtype} and shape "
                           f"{tuple(index.shape)}")
    if index.size and (index.min() < 0 or index.max() >= x.shape[dim]):
        bad = index.min() if index.min() < 0 else index.max()
        raise RuntimeError(f"gather: index {bad} is out of bounds for dimension {dim} with "
                           f"size {x.shape[dim]}")
    if any(i > n for d, (i, n) in enumerate(zip(index.shape, x.shape)) if d != dim):
        raise RuntimeError(f"gather: size of index {tuple(index.shape)} must not exceed the "
                           f"input's {tuple(x.shape)} in the dims other than {dim}")
    return Gather.apply(x, dim, index)

