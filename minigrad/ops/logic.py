"""Comparisons, tests and masks with PyTorch's names: ``eq`` ... ``ge``, ``isnan``,
``all``/``any`` (bool results, outside the graph) and ``masked_fill`` (differentiable,
built on ``where``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import broadcast_shape, normalize_dims
from .elementwise import compare, where


def eq(input: Tensor, other: Any) -> Tensor:
    """``input == other`` elementwise, as a bool tensor."""
    return compare(np.equal, input, other)


def ne(input: Tensor, other: Any) -> Tensor:
    """``input != other`` elementwise, as a bool tensor."""
    return compare(np.not_equal, input, other)


def lt(input: Tensor, other: Any) -> Tensor:
    """``input < other`` elementwise, as a bool tensor."""
    return compare(np.less, input, other)


def le(input: Tensor, other: Any) -> Tensor:
    """``input <= other`` elementwise, as a bool tensor."""
    return compare(np.less_equal, input, other)


def gt(input: Tensor, other: Any) -> Tensor:
    """``input > other`` elementwise, as a bool tensor."""
    return compare(np.greater, input, other)


def ge(input: Tensor, other: Any) -> Tensor:
    """``input >= other`` elementwise, as a bool tensor."""
    return compare(np.greater_equal, input, other)


def isnan(input: Tensor) -> Tensor:
    """Where ``input`` is NaN (always False for integer and bool tensors)."""
    return wrap(np.isnan(array_of(input)) if input.dtype.kind == "f"
                else np.zeros(input.shape, np.bool_))


def isinf(input: Tensor) -> Tensor:
    """Where ``input`` is +inf or -inf."""
    return wrap(np.isinf(array_of(input)) if input.dtype.kind == "f"
                else np.zeros(input.shape, np.bool_))


def isfinite(input: Tensor) -> Tensor:
    """Where ``input`` is neither NaN nor infinite."""
    return wrap(np.isfinite(array_of(input)) if input.dtype.kind == "f"
                else np.ones(input.shape, np.bool_))


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether every element (along ``dim``) is non-zero, as a bool tensor."""
    return _reduce(np.all, "all", input, dim, keepdim)


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether some element (along ``dim``) is non-zero, as a bool tensor."""
    return _reduce(np.any, "any", input, dim, keepdim)


def _reduce(find: Any, op: str, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    dims = normalize_dims(dim, input.ndim, op)
    return wrap(np.asarray(find(array_of(input), axis=dims, keepdims=keepdim)))


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``input`` with ``value`` where the bool ``mask`` is True (the two broadcast).

    The gradient flows to ``input`` where the mask is False, and to ``value`` (a number or
    a 0-d tensor) where it is True.
    """
    if not isinstance(mask, Tensor) or mask.dtype != np.bool_:
        found = mask.dtype if isinstance(mask, Tensor) else type(mask).__name__
        raise RuntimeError(f"masked_fill: only supports boolean masks, but got mask with "
                           f"dtype {found}")
    broadcast_shape("masked_fill", mask.shape, input.shape)
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"masked_fill: only supports a 0-dimensional value tensor, "
                               f"but got tensor with {value.ndim} dimension(s)")
        value = value if value.dtype == input.dtype else value.to(input.dtype)
    else:
        value = wrap(np.asarray(value).astype(input.dtype))
    return where(mask, value, input)
