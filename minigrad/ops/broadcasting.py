"""Expand and Sum, each the other's backward, and ``sum_to``, which undoes broadcasting.

Broadcasting ``x`` to a bigger shape copies each element to many places, so its gradient
is the sum over those places; summing over dims sends the same gradient to every element
summed, so its gradient is an expand. Every binary primitive sums its gradients back to
its inputs' shapes with ``sum_to``. Reshape lives here too, since both rules need it.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..autograd.function import Function, register
from ..dtypes import scalar_type_name
from ..internal import array_of, named, wrap
from ..tensor import Tensor
from ._util import alias, in_dtype, int_tuple, normalize_dims, row_major_array
from .out_argument import takes_out


def kept_shape(shape: tuple[int, ...], dims: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


@register("reshape")
class Reshape(Function):
    """z = x with a new shape (same elements, same order).  dz/dx: reshape back."""

    torch_name = "ViewBackward0"  # reshape, view and flatten print so in PyTorch

    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return np.reshape(x, shape)

    @staticmethod
    def backward(ctx, g):
        return reshape(g, ctx.shape), None

    @staticmethod
    def backward_arrays(ctx, g):
        return np.reshape(g, ctx.shape), None


@register("expand")
class Expand(Function):
    """z = x broadcast to ``shape`` (a read-only view).  dz/dx: sum over the new axes."""

    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return alias(x, shape, expanded_strides(x, shape), writeable=False)

    @staticmethod
    def backward(ctx, g):
        return sum_to(g, ctx.shape), None

    @staticmethod
    def backward_arrays(ctx, g):
        return sum_to_array(g, ctx.shape), None


@register("sum")
class Sum(Function):
    """z = sum of x over dims.  dz/dx = 1: the gradient is broadcast back to x's shape."""

    @staticmethod
    def forward(ctx, x, dim, keepdim=False):
        ctx.shape, ctx.dims = x.shape, dim
        # integers add up in their own dtype (sum casts them first); NumPy would widen
        return row_major_array(np.sum(x, axis=dim, keepdims=keepdim,
                                      dtype=x.dtype if x.dtype.kind in "biu" else None))

    @staticmethod
    def backward(ctx, g):
        kept = reshape(g, kept_shape(ctx.shape, ctx.dims))
        return expand(kept, ctx.shape), None

    @staticmethod
    def backward_arrays(ctx, g):
        kept = np.reshape(g, kept_shape(ctx.shape, ctx.dims))
        return np.broadcast_to(kept, ctx.shape), None


def expanded_strides(x: np.ndarray, shape: tuple) -> tuple:
    """The strides of ``x`` broadcast to ``shape``, as PyTorch's expand gives them: 0 where
    a dim grows, the old stride where it keeps its size (NumPy would put 0 on a size-1
    dim there too), and a new leading dim strided as if packed onto the dims after it."""
    strides, after = [0] * len(shape), x.itemsize
    old = len(shape) - x.ndim
    for i in range(len(shape) - 1, -1, -1):
        size, stride = (x.shape[i - old], x.strides[i - old]) if i >= old else (1, after)
        strides[i] = stride if size == shape[i] else 0
        after = shape[i] * strides[i]
    return tuple(strides)


# --- public functions ------------------------------------------------------------
def reshape(x: Tensor, shape: Sequence[int]) -> Tensor:
    """The same elements in a new shape; one dimension may be -1 (inferred)."""
    shape = _infer_shape(int_tuple("reshape", shape, "shape"), x.numel(), "reshape")
    return Reshape.apply(x, shape)  # a new view even for the same shape, as PyTorch


def view(x: Tensor, shape: Sequence[int]) -> Tensor:
    """``reshape`` that must share memory: raises where the strides do not allow it."""
    shape = _infer_shape(int_tuple("view", shape, "shape"), x.numel(), "view")
    try:
        np.reshape(array_of(x), shape, copy=False)
    except ValueError:
        raise RuntimeError(f"view: view size is not compatible with input tensor's size and "
                           f"stride (at least one dimension spans across two contiguous "
                           f"subspaces); shape {list(x.shape)} to {list(shape)}. Use "
                           ".reshape(...) instead.") from None
    return Reshape.apply(x, shape)


def view_dtype(x: Tensor, dtype: Any) -> Tensor:
    """The same memory read as ``dtype`` (``x.view(minigrad.int32)``), outside the graph.

    Elements of the same size keep the shape; otherwise the last dimension, which must be
    contiguous, grows or shrinks by the ratio of the sizes, as in PyTorch.
    """
    array, new = array_of(x), np.dtype(dtype)
    old = array.dtype
    if new.itemsize != old.itemsize:
        names = f"{scalar_type_name(old)} as {scalar_type_name(new)} (different element sizes)"
        if array.ndim == 0:
            raise RuntimeError(f"view: self.dim() cannot be 0 to view {names}")
        if array.shape[-1] != 1 and array.strides[-1] != old.itemsize:
            raise RuntimeError(f"view: self.stride(-1) must be 1 to view {names}, but got "
                               f"{array.strides[-1] // old.itemsize}")
        if new.itemsize > old.itemsize and array.shape[-1] * old.itemsize % new.itemsize:
            raise RuntimeError(f"view: self.size(-1) must be divisible by "
                               f"{new.itemsize // old.itemsize} to view {names}, but got "
                               f"{array.shape[-1]}")
    try:
        return wrap(array.view(new))
    except ValueError as error:  # strides of the other dimensions that do not divide
        raise RuntimeError(f"view: cannot view a tensor of shape {list(x.shape)} and "
                           f"strides {list(x.stride())} as {new}: {error}") from None


def _infer_shape(shape: tuple[int, ...], numel: int, op: str) -> tuple[int, ...]:
    unknown = [i for i, n in enumerate(shape) if n == -1]
    known = math.prod(n for n in shape if n != -1)
    bad = len(unknown) > 1 or any(n < -1 for n in shape)
    if unknown and not bad and known and numel % known == 0:
        shape = shape[:unknown[0]] + (numel // known,) + shape[unknown[0] + 1:]
    elif unknown and not bad and not known:
        raise RuntimeError(f"{op}: cannot reshape tensor of 0 elements into shape "
                           f"{list(shape)} because the unspecified dimension size -1 can be "
                           f"any value and is ambiguous")
    if bad or math.prod(shape) != numel:
        raise RuntimeError(f"{op}: shape {list(shape)} is invalid for input of size {numel}")
    return shape


def expand(x: Tensor, shape: Sequence[int]) -> Tensor:
    """Broadcast to ``shape`` without copying; -1 keeps a dimension as it is."""
    shape = tuple(shape)
    lead = len(shape) - x.ndim
    if lead < 0:
        raise RuntimeError(f"expand: the number of sizes provided ({len(shape)}) must be "
                           f"greater or equal to the number of dimensions in the tensor "
                           f"({x.ndim})")
    shape = tuple(x.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
    for i, n in enumerate(shape):
        if n < 0:
            where = "a leading, non-existing dimension" if i < lead else "dimension"
            raise RuntimeError(f"expand: the expanded size of the tensor ({n}) isn't allowed "
                               f"in {where} {i} (expanding {list(x.shape)})")
    if any(old != 1 and old != new for old, new in zip(x.shape, shape[lead:])):
        raise RuntimeError(f"expand: the expanded size {list(shape)} does not fit the "
                           f"existing size {list(x.shape)}")
    return Expand.apply(x, shape)


def sum_to(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum ``g`` over the axes that broadcasting added, so it gets ``shape`` (differentiable)."""
    shape = tuple(shape)
    if g.shape == shape:
        return g
    return reshape(Sum.apply(g, _broadcast_axes(g.shape, shape), keepdim=True), shape)


def sum_to_array(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``sum_to`` on arrays, for the ``backward_arrays`` rules."""
    if g.shape == shape:
        return g
    return np.reshape(np.sum(g, axis=_broadcast_axes(g.shape, shape)), shape)


def _broadcast_axes(big: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of ``big`` that broadcasting ``shape`` to it added or stretched."""
    lead = len(big) - len(shape)
    return tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and big[lead + i] != 1)


@takes_out("dtype")
def sum(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Sum over ``dim`` (all dims when None); integers and bools add up in int64, unless
    ``dtype`` (to which ``x`` is cast first) says otherwise."""
    if dtype is not None:
        x = in_dtype(x, dtype)
    elif x.dtype.kind in "biu" and x.dtype != np.int64:
        x = x.to(np.int64)
    out = Sum.apply(x, normalize_dims(dim, x.ndim, "sum"), keepdim=keepdim)
    return out if dim is None else named(out, "SumBackward1")
