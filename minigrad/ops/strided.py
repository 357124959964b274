"""``as_strided``: a view of a tensor's memory with any sizes, strides and storage offset.

Sizes, strides and the storage offset count elements of the *storage*, the memory the
tensor shares with its base, as in PyTorch: ``x[1:].as_strided((2,), (1,))`` starts where
``x[1:]`` starts (its ``storage_offset()``, 1), and ``x[1:].as_strided((2,), (1,), 0)``
starts where ``x`` does. Windows may overlap (a stride smaller than the extent of the dims
after it, as in a sliding window) or repeat (a stride of 0).

The gradient goes through the storage too. The output's gradient is added into a zero
storage at the positions the output reads (a position read twice gets both), and the
input's gradient is read back at the positions the input covers. Where several input
elements cover one position (an expanded input), each gets an equal share, as PyTorch
gives it; positions the output reads outside the input give the input nothing.
"""
from __future__ import annotations

import operator
from typing import Any, Sequence

import numpy as np

from ..autograd.function import Function, register
from ..internal import array_of, named, wrap
from ..tensor import Tensor
from . import indexing
from ._util import _owner, type_name
from .inplace import restride_

# sizes, strides and storage offset, in elements of the storage
Geometry = tuple[tuple[int, ...], tuple[int, ...], int]


@register("as_strided")
class AsStrided(Function):
    """z[i] = storage[offset + sum_k i_k * stride_k], a view of x's memory.  dz/dx: g added
    into a zero storage at the positions z reads, read back at the positions x covers."""

    is_view = True

    @staticmethod
    def forward(ctx, x, size, stride, storage_offset):
        ctx.geometries = (geometry(x), (size, stride, storage_offset))
        return storage_view(x, size, stride, storage_offset)

    @staticmethod
    def backward(ctx, g):
        if g.numel() == 0:  # nothing read: zeros outside the graph, as PyTorch gives
            return wrap(np.zeros(ctx.geometries[0][0], g.dtype)), None, None, None
        reads, covers, length, share = routes(*ctx.geometries)
        storage = indexing.IndexAddAt.apply(g, (reads,), (length,))
        if share is not None:
            storage = storage * wrap(share.astype(g.dtype))
        return indexing.getitem(storage, covers), None, None, None

    @staticmethod
    def backward_arrays(ctx, g):
        reads, covers, length, share = routes(*ctx.geometries)
        storage = np.zeros(length, g.dtype)
        np.add.at(storage, reads, g)
        if share is not None:
            storage *= share.astype(g.dtype)
        return storage[covers], None, None, None


# --- the storage behind an array -----------------------------------------------------------
def storage_of(array: np.ndarray) -> np.ndarray:
    """All the memory ``array`` looks into, as a 1-d array of its dtype from the first
    byte: a view whose ``base`` chain ends at the owner, so writes go through and minigrad
    sees a view. The owner may lie in memory in any order of its dims (``exp`` of a
    transposed array keeps the transposed layout), as long as it is dense."""
    owner = _owner(array)
    in_memory_order = owner.transpose(np.argsort([-s for s in owner.strides], kind="stable"))
    if not in_memory_order.flags.c_contiguous:
        raise RuntimeError("as_strided: the memory of this tensor is not one dense block "
                           f"(strides {owner.strides} in bytes); call .clone() first")
    return in_memory_order.reshape(-1).view(np.uint8).view(array.dtype)


def geometry(array: np.ndarray) -> Geometry:
    """The sizes, strides and storage offset of ``array``, in elements of its storage."""
    start = _owner(array).__array_interface__["data"][0]
    offset = array.__array_interface__["data"][0] - start
    return (array.shape, tuple(s // array.itemsize for s in array.strides),
            offset // array.itemsize)


def storage_view(array: np.ndarray, size: tuple[int, ...], stride: tuple[int, ...],
                 storage_offset: int) -> np.ndarray:
    """The view of ``array``'s storage with ``size``, ``stride`` and ``storage_offset``
    (in elements; unchecked: see `as_strided`)."""
    storage = storage_of(array)
    start = min(storage_offset, len(storage))  # an empty view may start past the end
    steps = tuple(s * array.itemsize for s in stride)
    return np.ndarray(size, array.dtype, buffer=storage, offset=start * array.itemsize,
                      strides=steps)


def positions(size: Sequence[int], stride: Sequence[int], storage_offset: int) -> np.ndarray:
    """The storage position of every element of a view, in the view's shape."""
    where = np.full(tuple(size), storage_offset, dtype=np.int64)
    for dim, (n, step) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[dim] = n
        where += (np.arange(n, dtype=np.int64) * step).reshape(shape)
    return where


def routes(source: Geometry, view: Geometry) -> tuple[np.ndarray, np.ndarray, int,
                                                      np.ndarray | None]:
    """Where the gradient of ``view`` goes on its way to ``source``: the positions the view
    reads and those the source covers, both counted from the lowest of them; the length of
    storage they span; and each position's share for the source elements that cover it
    (None when none is covered twice)."""
    reads, covers = positions(*view), positions(*source)
    every = np.concatenate([reads.reshape(-1), covers.reshape(-1)])
    low = int(every.min()) if every.size else 0
    length = int(every.max()) - low + 1 if every.size else 0
    counts = np.bincount(covers.reshape(-1) - low, minlength=length)
    share = 1.0 / np.maximum(counts, 1) if counts.size and counts.max() > 1 else None
    return reads - low, covers - low, length, share


# --- public functions ----------------------------------------------------------------------
def as_strided(input: Tensor, size: Sequence[int], stride: Sequence[int],
               storage_offset: int | None = None) -> Tensor:
    """A view of ``input``'s storage: element ``i`` of the result is the storage element
    ``storage_offset + sum(i[k] * stride[k])`` (the default offset: ``input``'s own
    ``storage_offset()``). Elements may overlap; writes through the view reach the base.

    Examples
    --------
    >>> x = minigrad.arange(5.0)
    >>> x.as_strided((3, 3), (1, 1))  # the sliding windows of 3
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"as_strided(): argument 'input' (position 1) must be Tensor, not "
                        f"{type_name(input)}")
    return strided_view(input, size, stride, storage_offset)


def as_strided_(input: Tensor, size: Sequence[int], stride: Sequence[int],
                storage_offset: int | None = None) -> Tensor:
    """``input`` itself, made the view ``as_strided(input, size, stride, storage_offset)``
    of its own storage."""
    if not isinstance(input, Tensor):
        raise TypeError(f"as_strided_(): argument 'input' (position 1) must be Tensor, not "
                        f"{type_name(input)}")
    return strided_view(input, size, stride, storage_offset, in_place=True)


def strided_view(input: Tensor, size: Sequence[int], stride: Sequence[int],
                 storage_offset: int | None = None, *, first_position: int = 2,
                 in_place: bool = False) -> Tensor:
    """The checks and the call behind `as_strided`, `as_strided_` and the Tensor methods
    (``first_position``: the position of ``size`` in the messages, 1 for a method)."""
    op = "as_strided_" if in_place else "as_strided"
    size = _int_tuple(op, size, "size", first_position)
    stride = _int_tuple(op, stride, "stride", first_position + 1)
    if storage_offset is not None:
        storage_offset = _int(op, storage_offset, "storage_offset", first_position + 2)

    def view(x: Tensor) -> Tensor:
        offset = x.storage_offset() if storage_offset is None else storage_offset
        _check_geometry(x, size, stride, offset)
        return AsStrided.apply(x, size, stride, offset)

    if in_place:  # PyTorch names the node of the in-place form AsStridedBackward1
        return restride_(input, op, lambda x: named(view(x), "AsStridedBackward1"))
    return view(input)


def _int_tuple(op: str, values: Any, name: str, position: int) -> tuple[int, ...]:
    """``values`` (a tuple, list or Size of ints) as a tuple of ints; else PyTorch's
    ``TypeError``, naming the argument and the first element that is not an int."""
    if not isinstance(values, (tuple, list)):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be tuple of "
                        f"ints, not {type_name(values)}")
    for i, n in enumerate(values):
        if isinstance(n, (bool, np.bool_)) or not hasattr(n, "__index__"):
            raise TypeError(f"{op}(): argument '{name}' (position {position}) must be tuple "
                            f"of ints, but found element of type {type_name(n)} at pos {i}")
    return tuple(operator.index(n) for n in values)


def _int(op: str, value: Any, name: str, position: int) -> int:
    """``value`` as an int (a bool is not one); else PyTorch's ``TypeError``."""
    if isinstance(value, (bool, np.bool_)) or not hasattr(value, "__index__"):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be int, not "
                        f"{type_name(value)}")
    return operator.index(value)


def _check_geometry(x: Tensor, size: tuple[int, ...], stride: tuple[int, ...],
                    offset: int) -> None:
    """PyTorch's checks of a view's geometry, in its order and with its messages."""
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, "
                           f"got strides: {list(stride)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    itemsize = x.element_size()
    needed = _bytes_needed(size, stride, offset, itemsize)
    available = storage_of(array_of(x)).nbytes
    if needed > available:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset}, and itemsize {itemsize} requiring a storage "
                           f"size of {needed} are out of bounds for storage of size "
                           f"{available}")
    if any(n < 0 for n in size):  # (PyTorch makes a tensor of them beside a size of 0)
        raise RuntimeError("numel: integer multiplication overflow")


def _bytes_needed(size: tuple[int, ...], stride: tuple[int, ...], offset: int,
                  itemsize: int) -> int:
    """The bytes of storage a view reaches (0 if it is empty), as PyTorch counts them: a
    negative size overflows unless its stride is 0."""
    if 0 in size:
        return 0
    if any(n < 0 and s for n, s in zip(size, stride)):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    return itemsize * (offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)))
