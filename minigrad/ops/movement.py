"""Movement primitives: reshape, permute, expand, cat, constant pad and sliding windows.

They move or copy elements without arithmetic; each backward moves the gradient back.
squeeze/unsqueeze/flatten/view are reshapes, transpose is a permute, stack is
unsqueeze + cat, and split/chunk/narrow are slices.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..autograd import views
from ..autograd.function import Function, register
from ..dtypes import result_type
from ..internal import named, wrap
from ..tensor import Tensor
from . import indexing
from .broadcasting import expand, reshape, view, view_dtype  # noqa: F401  (re-exported: movement's public face)
from ._util import alias, byte_strides, normalize_dim, normalize_dims, type_name
from .out_argument import takes_out


@register("permute")
class Permute(Function):
    """z = x with its axes reordered by ``dims``.  dz/dx: the inverse permutation."""

    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, g):
        return permute(g, tuple(np.argsort(ctx.dims))), None

    @staticmethod
    def backward_arrays(ctx, g):
        return np.transpose(g, np.argsort(ctx.dims)), None


@register("cat")
class Cat(Function):
    """z = the inputs joined along ``dim``.  dz/dx_i: the slice of g that x_i filled."""

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        skipped = [_skipped(a.shape, arrays) for a in arrays]
        ctx.dim, ctx.sizes = dim, [0 if s else a.shape[dim] for a, s in zip(arrays, skipped)]
        ctx.skipped = skipped
        kept = [a for a, s in zip(arrays, skipped) if not s]
        if not kept:
            return np.concatenate(kept, axis=dim)  # NumPy's error
        shape = list(kept[0].shape)
        shape[dim] = sum(a.shape[dim] for a in kept)
        # into a row-major result, as PyTorch's (NumPy follows transposed inputs' layout)
        return np.concatenate(kept, axis=dim, out=np.empty(shape, np.result_type(*kept)))

    @staticmethod
    def backward(ctx, g):
        starts = np.cumsum([0] + ctx.sizes[:-1])
        return tuple(None if not need else
                     wrap(np.zeros(0, g.dtype)) if skip else narrow(g, ctx.dim, int(s), n)
                     for s, n, need, skip in zip(starts, ctx.sizes, ctx.needs_input_grad,
                                                 ctx.skipped))


def _skipped(shape: tuple, arrays: Sequence[Any]) -> bool:
    """Whether ``cat`` leaves out a tensor of this shape: PyTorch still accepts an empty
    1-d tensor (shape (0,)) beside tensors of any shape, and skips it."""
    return tuple(shape) == (0,) and any(tuple(a.shape) != (0,) for a in arrays)


@register("pad")
class Pad(Function):
    """z = x surrounded by ``value``.  dz/dx: the centre of g (a slice)."""

    @staticmethod
    def forward(ctx, x, widths, value=0.0):
        ctx.window = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape))
        return np.pad(x, widths, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, g):
        return indexing.getitem(g, ctx.window), None


@register("sliding_windows")
class SlidingWindows(Function):
    """z[..., k, ..., j] = x[..., k * step + j, ...]: the windows of ``size`` along ``dim``,
    every ``step`` elements, as a new last dim (a view).  dz/dx: each window's gradient
    added back at its positions (``index_add_at``)."""

    is_view = True

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.shape, ctx.where = x.shape, (dim, size, step)
        count = (x.shape[dim] - size) // step + 1
        shape = x.shape[:dim] + (count,) + x.shape[dim + 1:] + (size,)
        given = byte_strides(x)
        strides = given[:dim] + (given[dim] * step,) + given[dim + 1:] + (given[dim],)
        return alias(x, shape, strides)  # (a view even when empty, as PyTorch's)

    @staticmethod
    def backward(ctx, g):
        dim, size, step = ctx.where
        count = g.shape[dim]
        positions = np.arange(count)[:, None] * step + np.arange(size)[None, :]
        key = indexing.IndexKey((slice(None),) * dim + (positions,), len(ctx.shape))
        moved = permute(g, tuple(range(dim + 1)) + (g.ndim - 1,) + tuple(range(dim + 1,
                                                                             g.ndim - 1)))
        return indexing.IndexAddAt.apply(moved, key, ctx.shape), None, None, None


# --- public functions --------------------------------------------------------------------
def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim`` to ``end_dim`` into one."""
    if x.ndim == 0:
        return reshape(x, (1,))
    start = normalize_dim(start_dim, x.ndim, "flatten")
    end = normalize_dim(end_dim, x.ndim, "flatten")
    if start > end:
        raise RuntimeError(f"flatten: start_dim ({start_dim}) cannot come after end_dim "
                         f"({end_dim}) for a tensor of shape {tuple(x.shape)}")
    merged = math.prod(x.shape[start:end + 1])  # not -1: ambiguous for an empty tensor
    return reshape(x, x.shape[:start] + (merged,) + x.shape[end + 1:])


def permute(x: Tensor, dims: Sequence[int]) -> Tensor:
    """Reorder the axes: output axis i is input axis ``dims[i]``."""
    if len(dims) != x.ndim and all(hasattr(d, "__index__") for d in dims):
        raise RuntimeError(f"permute: the tensor of shape {tuple(x.shape)} has {x.ndim} dims, "
                           f"but {len(dims)} were given: {tuple(dims)}")
    norm = tuple(normalize_dim(d, x.ndim, "permute") for d in dims)
    if sorted(norm) != list(range(x.ndim)):
        raise RuntimeError(f"permute: dims {tuple(dims)} are not a permutation of the "
                         f"{x.ndim} dims of a tensor of shape {tuple(x.shape)}")
    return Permute.apply(x, norm)


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two axes."""
    if x.ndim == 0:  # dims 0 and -1 name the tensor itself
        normalize_dim(dim0, 0, "transpose"), normalize_dim(dim1, 0, "transpose")
        return Permute.apply(x, ())
    dims = list(range(x.ndim))
    a, b = normalize_dim(dim0, x.ndim, "transpose"), normalize_dim(dim1, x.ndim, "transpose")
    dims[a], dims[b] = dims[b], dims[a]
    out = Permute.apply(x, tuple(dims))  # a new view even when nothing moves, as PyTorch
    return named(out, "TransposeBackward0")


def squeeze(x: Tensor, dim: Any = None) -> Tensor:
    """Drop dims of size 1 (only those in ``dim`` when given)."""
    dims = normalize_dims(dim, x.ndim, "squeeze", empty_is_all=False)
    out = reshape(x, tuple(n for i, n in enumerate(x.shape) if not (i in dims and n == 1)))
    return named(out, "SqueezeBackward0" if dim is None else "SqueezeBackward1")


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Insert a dim of size 1 at position ``dim``."""
    dim = normalize_dim(dim, x.ndim + 1, "unsqueeze")
    return named(reshape(x, x.shape[:dim] + (1,) + x.shape[dim:]), "UnsqueezeBackward0")



def narrow(x: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``length`` elements of ``dim`` starting at ``start`` (a slice)."""
    if x.ndim == 0:
        raise RuntimeError("narrow: narrow() cannot be applied to a 0-dim tensor.")
    dim = normalize_dim(dim, x.ndim, "narrow")
    start, length, n = _int_arg(start, "start"), _int_arg(length, "length"), x.shape[dim]
    if not -n <= start <= n:
        raise IndexError(f"narrow: start out of range (expected to be in range of [{-n}, "
                         f"{n}], but got {start})")
    start = start + n if start < 0 else start
    if length < 0:
        raise RuntimeError("narrow: narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"narrow: start ({start}) + length ({length}) exceeds dimension "
                           f"size ({n}) of dim {dim}.")
    return indexing.getitem(x, (slice(None),) * dim + (slice(start, start + length),))


def _int_arg(value: Any, name: str) -> int:
    """An int argument of ``narrow``: an int or a 0-d integer tensor, as PyTorch takes."""
    if isinstance(value, Tensor) and value.ndim == 0 and value.dtype.kind in "iu":
        return int(value.item())
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"narrow(): argument '{name}' must be int, not {type_name(value)}")


@takes_out("same", resize_warns=False)
def narrow_copy(x: Tensor, dim: int, start: int, length: int) -> Tensor:
    """`narrow`, as a copy."""
    return narrow(x, dim, start, length).clone()


@takes_out(cast_error=TypeError)
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dim; the other dims must match."""
    tensors = _joinable("cat", tensors)
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"cat: zero-dimensional tensor (at position {i}) cannot be "
                               f"concatenated")
    kept = [(i, t) for i, t in enumerate(tensors) if not _skipped(t.shape, tensors)]
    first_i, first = kept[0]
    dim = normalize_dim(dim, first.ndim, "cat")
    for i, t in kept:
        if t.ndim != first.ndim or any(a != b for d, (a, b) in
                                       enumerate(zip(t.shape, first.shape)) if d != dim):
            raise RuntimeError(f"cat: sizes of tensors must match except in dimension {dim}; "
                               f"tensor {first_i} has shape {tuple(first.shape)} but tensor "
                               f"{i} has shape {tuple(t.shape)}")
    return Cat.apply(*tensors, dim=dim)


def _joinable(op: str, tensors: Sequence[Tensor]) -> list[Tensor]:
    """The tensors to join, checked and promoted to their common dtype (``cat`` of float32
    and int64 is float32, as in PyTorch)."""
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op}: expected a list or tuple of Tensors, got a Tensor")
    tensors = list(tensors)
    if not tensors:
        error = ValueError if op == "cat" else RuntimeError  # PyTorch's types, both
        raise error(f"{op}: expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected minigrad.Tensor as element {i}, but got "
                            f"{type_name(t)}")
    dtype = result_type(*tensors)
    return [t.to(dtype) for t in tensors]


@takes_out(cast_error=TypeError)
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of equal shape along a new dim."""
    tensors = _joinable("stack", tensors)
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack: expects each tensor to be equal size, but got "
                               f"{tuple(tensors[0].shape)} at entry 0 and {tuple(t.shape)} "
                               f"at entry {i}")
    dim = normalize_dim(dim, tensors[0].ndim + 1, "stack")
    return named(cat([unsqueeze(t, dim) for t in tensors], dim), "StackBackward0")


def split(x: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces of size ``split_size`` (the last may be smaller), or of the listed sizes."""
    if x.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    dim = normalize_dim(dim, x.ndim, "split")
    n = x.shape[dim]
    if isinstance(split_size_or_sections, (int, np.integer)):
        step = int(split_size_or_sections)
        if step <= 0:
            raise RuntimeError(f"split: split_size must be positive, got {step}")
        sizes = [min(step, n - s) for s in range(0, n, step)] or [0]  # one empty piece
    else:
        for i, s in enumerate(split_size_or_sections):
            if not hasattr(s, "__index__"):
                raise TypeError(f"split_with_sizes(): argument 'split_sizes' must be tuple of "
                                f"ints, but found element of type {type(s).__name__} at pos {i}")
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise RuntimeError(f"split: sizes {sizes} do not add up to {n}, the size of dim "
                             f"{dim} of a tensor of shape {tuple(x.shape)}")
    starts = np.cumsum([0] + sizes[:-1])
    return views.mark_multi_output(
        tuple(narrow(x, dim, int(s), size) for s, size in zip(starts, sizes)))


def select(x: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim``, which is removed (a view)."""
    dim = normalize_dim(dim, x.ndim, "select")
    if isinstance(index, bool) or not hasattr(index, "__index__"):
        raise TypeError(f"select(): argument 'index' (position 2) must be int, not "
                        f"{type(index).__name__}")
    n = x.shape[dim]
    if not -n <= index < n:
        raise IndexError(f"select: index {index} out of range for tensor of size "
                         f"{list(x.shape)} at dimension {dim}")
    return indexing.getitem(x, (slice(None),) * dim + (int(index),))


def unbind(x: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices along ``dim``, each without that dim (views made together, like
    ``split``'s)."""
    dim = normalize_dim(dim, x.ndim, "unbind")
    return views.mark_multi_output(tuple(select(x, dim, i) for i in range(x.shape[dim])))


def chunk(x: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Split into ``chunks`` pieces of equal size (the last may be smaller)."""
    if not isinstance(chunks, (int, np.integer)) or isinstance(chunks, bool):
        raise TypeError(f"chunk(): argument 'chunks' (position 1) must be int, not "
                        f"{type(chunks).__name__}")
    if chunks <= 0:
        raise RuntimeError(f"chunk: chunks must be positive, got {chunks}")
    if x.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    n = x.shape[normalize_dim(dim, x.ndim, "chunk")]
    if n == 0:  # PyTorch gives ``chunks`` empty pieces
        return split(x, [0] * chunks, dim)
    return split(x, max(1, -(-n // chunks)), dim)


def pad(x: Tensor, pad: Sequence[int], mode: str = "constant", value: float = 0.0) -> Tensor:
    """Constant padding in PyTorch's order: ``(left, right, top, bottom, ...)`` pads the
    last dim first."""
    if mode != "constant":
        raise NotImplementedError(f"pad: only mode='constant' is supported, got {mode!r}")
    pad = [int(p) for p in pad]
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: padding length must be even and at most 2 * ndim "
                         f"({2 * x.ndim}), got {len(pad)}")
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative padding {tuple(pad)} is not supported")
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return Pad.apply(x, tuple(widths), value=value)


def sliding_windows(x: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """``Tensor.unfold``: the windows of ``size`` elements along ``dimension``, one every
    ``step``, as a new last dim; a view."""
    dim = normalize_dim(dimension, x.ndim, "unfold")
    if x.ndim == 0:  # PyTorch: the one element as a 1-d tensor
        if not 0 <= size <= 1 or step <= 0:
            raise RuntimeError(f"unfold: size ({size}) must be 0 or 1 and step ({step}) "
                               f"positive for a 0-d tensor")
        return reshape(x, (1,))[:size]
    if size > x.shape[dim] or size < 0:
        raise RuntimeError(f"unfold: maximum size for tensor at dimension {dim} is "
                           f"{x.shape[dim]} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    return SlidingWindows.apply(x, dim, int(size), int(step))
