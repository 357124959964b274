"""Max-unpooling: put each value back where max-pooling found it, zeros elsewhere.

``max_unpool2d(values, indices, ...)`` is the partial inverse of ``max_pool2d(...,
return_indices=True)``: an image of the pre-pooling size, zero except at the flat
positions ``indices`` (``h * W + w`` per channel), which hold ``values``. Its gradient
reads the incoming gradient back at those positions. When overlapping windows share a
maximum, two values go to one position; as in PyTorch the later one is written, while
both receive the gradient.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...internal import array_of, wrap
from ...ops.indexing import IndexAddAt
from ...tensor import Tensor


def _ints(value: Any, count: int) -> tuple[int, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(int(v) for v in value)
    return (int(value),) * count


def _output_size(spatial: tuple, kernel: tuple, stride: tuple, padding: tuple,
                 output_size: Any) -> tuple[int, ...]:
    """PyTorch's rule: ``(in - 1) * stride + kernel - 2 * padding``, or ``output_size``
    when it lies strictly within ``stride`` of that."""
    default = tuple((n - 1) * s + k - 2 * p
                    for n, k, s, p in zip(spatial, kernel, stride, padding))
    if output_size is None:
        return default
    size = tuple(int(v) for v in output_size)
    if len(size) == len(kernel) + 2:
        size = size[2:]
    if len(size) != len(kernel):
        raise ValueError(f"output_size should be a sequence containing {len(kernel)} or "
                         f"{len(kernel) + 2} elements, but it has a length of '{len(size)}'")
    for d, (n, s, want) in enumerate(zip(default, stride, size)):
        if not n - s < want < n + s:
            raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {d} must be '
                             f'between {n - s} and {n + s})')
    return size


def _unpool(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any, padding: Any,
            output_size: Any, dims: int, op: str) -> Tensor:
    kernel = _ints(kernel_size, dims)
    stride = kernel if stride is None else _ints(stride, dims)
    padding = _ints(padding, dims)
    if not isinstance(indices, Tensor) or indices.dtype != np.int64:
        got = indices.dtype if isinstance(indices, Tensor) else type(indices).__name__
        raise RuntimeError(f"{op}: elements in indices should be type int64 but got: {got}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"{op}: Expected shape of indices to be same as that of the input "
                           f"tensor ({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(indices.shape)}")
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"{op}: expected a {dims + 1}-D or {dims + 2}-D input, got shape "
                           f"{list(input.shape)}")
    size = _output_size(tuple(input.shape[-dims:]), kernel, stride, padding, output_size)
    lead = tuple(input.shape[:-dims])
    volume = int(np.prod(size))
    index = array_of(indices).reshape(-1, int(np.prod(input.shape[-dims:], dtype=np.int64)))
    if index.size and (index.min() < 0 or index.max() >= volume):
        bad = index[(index < 0) | (index >= volume)][0]
        raise RuntimeError(f"{op}: Found an invalid max index: {int(bad)} (output volumes are "
                           f"of size {'x'.join(map(str, size))})")
    rows = np.broadcast_to(np.arange(index.shape[0])[:, None], index.shape)
    values = ops.reshape(input, index.shape)
    shape = (index.shape[0], volume)
    repeated = _repeated_before_the_last(rows * volume + index)
    if not repeated.any():
        return ops.reshape(IndexAddAt.apply(values, (rows, index), shape), lead + size)
    # The last of each repeated position is written; the others add exactly 0 (x - x),
    # which still carries their gradient.
    last, others = wrap(~repeated), wrap(repeated)
    out = IndexAddAt.apply(values[last], (rows[~repeated], index[~repeated]), shape)
    zero = values[others] - values[others].detach()
    out = out + IndexAddAt.apply(zero, (rows[repeated], index[repeated]), shape)
    return ops.reshape(out, lead + size)


def _repeated_before_the_last(keys: np.ndarray) -> np.ndarray:
    """True for every entry of ``keys`` that a later entry repeats."""
    flat = keys.reshape(-1)
    _, last_from_end = np.unique(flat[::-1], return_index=True)
    is_last = np.zeros(flat.shape, bool)
    is_last[flat.size - 1 - last_from_end] = True
    return ~is_last.reshape(keys.shape)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    """The inverse of `max_pool1d` with ``return_indices``: an (N, C, L_out) or
    (C, L_out) tensor, zero except ``input`` at ``indices``."""
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 1,
                   "max_unpool1d")


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    """The inverse of `max_pool2d` with ``return_indices``.

    Parameters
    ----------
    input : Tensor
        (N, C, H, W) or (C, H, W): the pooled values.
    indices : Tensor of int64
        Same shape: the flat position ``h * W_out + w`` of each value.
    kernel_size, stride, padding
        Those of the pooling (``stride`` defaults to ``kernel_size``).
    output_size : sequence of int, optional
        (H_out, W_out) or (N, C, H_out, W_out), to undo a pooling whose input size was
        not a multiple of the stride; by default ``(H - 1) * stride + kernel - 2 * padding``.

    Returns
    -------
    Tensor
        Zeros except ``input`` at ``indices``.
    """
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 2,
                   "max_unpool2d")


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None,
                 padding: Any = 0, output_size: Any = None) -> Tensor:
    """The inverse of `max_pool3d` with ``return_indices``: an (N, C, D_out, H_out, W_out)
    or (C, D_out, H_out, W_out) tensor, zero except ``input`` at the flat positions
    ``indices`` (``(d * H_out + h) * W_out + w``); other arguments as `max_unpool2d`."""
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 3,
                   "max_unpool3d")
