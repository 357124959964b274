"""Helpers shared by the primitives: operand conversion, dims, and broadcasting."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..tensor import DEFAULT_FLOAT, Tensor


def as_tensor(value: Any, like: Tensor | None = None) -> Tensor:
    """Wrap a Python number or array as a constant tensor.

    A Python number takes the dtype of ``like`` when it fits (so ``x * 2`` stays float32),
    and float32 when it is a float meeting an integer tensor, as in PyTorch.
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        return Tensor._wrap(value)
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"expected a Tensor, a number or an array, got {type(value).__name__}")
    if like is not None and array.ndim == 0:
        if like.dtype.kind == "f" or array.dtype.kind in "biu" and like.dtype.kind in "iu":
            return Tensor._wrap(array.astype(like.dtype))
    if array.dtype.kind == "f" and array.dtype != DEFAULT_FLOAT:
        array = array.astype(DEFAULT_FLOAT)
    return Tensor._wrap(array)


def operands(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as tensors, numbers taking the other's dtype.

    An integer or bool tensor meeting a float tensor takes the float's dtype (int64 *
    float32 is float32, as in PyTorch, where NumPy would give float64).
    """
    if isinstance(a, Tensor):
        a, b = a, as_tensor(b, a)
    else:
        a, b = as_tensor(a, b if isinstance(b, Tensor) else None), as_tensor(b)
    kinds = a.dtype.kind, b.dtype.kind
    if kinds[0] == "f" and kinds[1] != "f":
        b = b.to(a.dtype)
    elif kinds[1] == "f" and kinds[0] != "f":
        a = a.to(b.dtype)
    return a, b


def broadcast_shape(op: str, *shapes: Sequence[int]) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(tuple(s)) for s in shapes)
        raise ValueError(f"{op}: shapes {listed} cannot be broadcast together") from None


def normalize_dim(dim: int, ndim: int, op: str) -> int:
    """A dimension index in [0, ndim), from an index that may be negative."""
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}")
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"{op}: dimension out of range (expected to be in range of "
                         f"[{-size}, {size - 1}], but got {dim})")
    return int(dim) % size


def normalize_dims(dim: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``dim`` (None, an int or a sequence) as a sorted tuple of distinct dims."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    result = tuple(sorted({normalize_dim(d, ndim, op) for d in dims}))
    if len(result) != len(dims):
        raise ValueError(f"{op}: dim {dim} appears multiple times in the list of dims")
    return result if ndim else ()


def shape_arg(shape: tuple) -> tuple[int, ...]:
    """Accept both ``f(2, 3)`` and ``f((2, 3))``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)
