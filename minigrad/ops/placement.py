"""Writes into a copy of a tensor, built on ``setitem`` and ``index_add_at``:
``index_put``, ``put``, ``masked_scatter``, ``select_scatter`` and ``slice_scatter``
(gradients those of the primitives), ``fill_diagonal_`` (in place), and ``unravel_index``
(integer results). The in-place forms (``index_put_``, ``put_``) run these through
``inplace``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import broadcast_shape, tensor_arg, type_name, unary_input
from .broadcasting import expand, reshape
from .indexed import _dim_of
from .indexing import IndexAddAt, getitem, prepare_setitem, setitem
from .inplace import inplace, setitem_
from .out_argument import takes_out


# --- writes by a tuple of index tensors, and into one slice -------------------------------
def _index_tuple(op: str, input: Tensor, indices: Any, values: Any) -> tuple:
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{op}(): argument 'indices' must be tuple of Tensors, not "
                        f"{type_name(indices)}")
    values = tensor_arg(op, values, "values")
    if values.dtype != input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{input.dtype} for the destination and {values.dtype} for the "
                           f"source.")
    return tuple(indices), values


def index_put(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``values`` written at ``input[indices]`` (a tuple of index
    tensors), or added there with ``accumulate=True`` (repeated positions add up)."""
    input = unary_input("index_put", input)
    indices, values = _index_tuple("index_put", input, indices, values)
    if not accumulate:
        return setitem(input, indices, values)
    key, values = prepare_setitem(input, indices, values)
    region = key.read(np.broadcast_to(np.empty((), np.uint8), input.shape)).shape
    return input + IndexAddAt.apply(expand(values, region), key, input.shape)


def index_put_(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False
               ) -> Tensor:
    """`index_put` in place: ``input[indices] = values`` (``+=``, repeats adding up, with
    ``accumulate``)."""
    indices, values = _index_tuple("index_put_", input, indices, values)
    if not accumulate:
        setitem_(input, indices, values)
        return input
    return inplace(input, "index_put_", lambda x, v: index_put(x, indices, v, True), values)


def _exact_region(op: str, input: Tensor, index: tuple, src: Any) -> Tensor:
    """``setitem(input, index, src)`` where ``src`` has exactly the region's shape."""
    src = tensor_arg(op, src, "src")
    region = getitem(input, index)
    if region.shape != src.shape:
        raise RuntimeError(f"{op}: expected src to have a size equal to the slice of self. "
                           f"src size = {list(src.shape)}, slice size = {list(region.shape)}")
    return setitem(input, index, src.to(input.dtype))


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``src`` written at ``input.select(dim, index)``."""
    input = unary_input("select_scatter", input)
    dim, size = _dim_of("select_scatter", input, dim)
    if not -size <= index < size:
        raise IndexError(f"select_scatter(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    return _exact_region("select_scatter", input, (slice(None),) * dim + (int(index),), src)


@takes_out("same", autograd="record")
def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: int | None = None,
                  end: int | None = None, step: int = 1) -> Tensor:
    """A copy of ``input`` with ``src`` written at ``input[..., start:end:step, ...]``
    along ``dim``."""
    input = unary_input("slice_scatter", input)
    dim, _ = _dim_of("slice_scatter", input, dim)
    return _exact_region("slice_scatter", input,
                         (slice(None),) * dim + (slice(start, end, step),), src)


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with the elements of ``source`` written (or, with
    ``accumulate``, added) at the flat positions ``index`` (negative counts from the
    end)."""
    input = unary_input("put", input)
    array = array_of(tensor_arg("put", index, "index"))
    source = tensor_arg("put", source, "source")
    if array.size != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source.numel()}, "
                         f"index.numel() = {array.size}")
    n = input.numel()
    bad = array[(array < -n) | (array >= n)]
    if bad.size:
        raise IndexError(f"put(): out of range: tried to access index {int(bad[0])} on a "
                         f"tensor of {n} elements.")
    flat = index_put(reshape(input, (-1,)), (np.mod(array.reshape(-1), max(n, 1)),),
                     reshape(source, (-1,)), accumulate)
    return reshape(flat, tuple(input.shape))


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with the leading elements of ``source``, in order, written where
    the bool ``mask`` (broadcast to ``input``) is True."""
    input = unary_input("masked_scatter", input)
    mask, source = tensor_arg("masked_scatter", mask, "mask"), tensor_arg(
        "masked_scatter", source, "source")
    if mask.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {mask.dtype}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got {input.dtype} and {source.dtype}")
    where_true = np.broadcast_to(array_of(mask), broadcast_shape(
        "masked_scatter", input.shape, mask.shape)).copy()
    count = int(where_true.sum())
    if count > source.numel():
        raise RuntimeError(f"masked_scatter: Number of elements of source < number of ones in "
                           f"mask ({source.numel()} < {count})")
    return setitem(expand(input, where_true.shape), where_true,
                   getitem(reshape(source, (-1,)), slice(0, count)))


def unravel_index(indices: Tensor, shape: Any) -> tuple[Tensor, ...]:
    """The coordinates in ``shape`` of flat ``indices``: one int64 tensor per dim (values
    wrap around as PyTorch's do, without a range check)."""
    flat = array_of(tensor_arg("unravel_index", indices, "indices"))
    if flat.dtype.kind not in "iu":
        raise TypeError(f"unravel_index(): expected 'indices' to be an integer tensor, got "
                        f"{flat.dtype}")
    sizes = (shape,) if isinstance(shape, int) else tuple(shape)
    coords, rest = [], flat.astype(np.int64)
    for size in reversed(sizes):
        coords.append(np.mod(rest, size) if size else rest * 0)
        rest = np.floor_divide(rest, size) if size else rest * 0
    return tuple(wrap(c) for c in reversed(coords))


def fill_diagonal_(input: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """Write ``fill_value`` on the main diagonal, in place: ``x[i, i, ..., i]`` (all dims
    of equal length, or any matrix). With ``wrap``, a tall matrix's diagonal starts again
    every ``cols + 1`` rows, as NumPy's ``fill_diagonal``."""
    input = unary_input("fill_diagonal_", input)
    if input.ndim < 2:
        raise RuntimeError(f"fill_diagonal_: dimensions must larger than 1, got shape "
                           f"{tuple(input.shape)}")
    if input.ndim > 2 and len(set(input.shape)) != 1:
        raise RuntimeError(f"fill_diagonal_: all dimensions of input must be of equal length, "
                           f"got shape {tuple(input.shape)}")
    n = min(input.shape)
    steps = np.arange(n, dtype=np.int64)
    rows, cols = steps, steps
    if wrap and input.ndim == 2 and input.shape[0] > input.shape[1] + 1:
        rows = np.arange(0, input.shape[0], dtype=np.int64)
        rows = rows[rows % (input.shape[1] + 1) < input.shape[1]]
        cols = rows % (input.shape[1] + 1)
    key = (rows, cols) if input.ndim == 2 else (steps,) * input.ndim
    setitem_(input, key, fill_value)
    return input
