"""How the ``Tensor`` constructor reads its arguments, as PyTorch's legacy constructor
does: ``Tensor(3)`` and ``Tensor(2, 3)`` are shapes, ``Tensor()`` is empty, and nested
lists must not be ragged."""
from __future__ import annotations

from typing import Any

import numpy as np


def ragged(data: Any, depth: int = 0) -> Exception | None:
    """PyTorch's error for nested lists whose lengths differ at some depth, or None."""
    if not isinstance(data, (list, tuple)) or not data:
        return None
    lengths = [len(item) if isinstance(item, (list, tuple)) else None for item in data]
    for n in lengths:
        if (n is None) != (lengths[0] is None):
            return TypeError(f"tensor: mixing sequences and numbers at dim {depth + 1}")
        if n != lengths[0]:
            return ValueError(f"tensor: expected sequence of length {lengths[0]} at dim "
                              f"{depth + 1} (got {n})")
    for item in data:
        found = ragged(item, depth + 1)
        if found:
            return found
    return None


def type_name(value: Any) -> str:
    """``value``'s type with its package, as PyTorch's error messages show it
    (``float``, ``numpy.float32``, ``minigrad.Tensor``)."""
    cls = type(value)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__.split('.')[0]}.{cls.__qualname__}"


def is_size(value: Any) -> bool:
    """An int that can be a dimension (not a bool)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_no_data(data: Any) -> bool:
    """``Tensor()``: the default, empty ``data``."""
    return isinstance(data, tuple) and not data


def legacy_sizes(data: Any, dtype: Any, requires_grad: Any,
                 more: tuple) -> tuple[int, ...] | None:
    """The shape of PyTorch's legacy ``Tensor(d0, d1, ...)`` (ints), or None for the usual
    ``Tensor(data, dtype, requires_grad)``."""
    if is_size(data) and dtype is None and requires_grad is False and not more:
        sizes: tuple = (data,)  # Tensor(3)
    elif is_size(data) and is_size(dtype):
        sizes = (data, dtype) + ((requires_grad,) if is_size(requires_grad) else ()) + more
        if not all(is_size(n) for n in sizes):
            raise TypeError(f"Tensor: expected sizes as ints, got {sizes}")
    else:
        return None
    if any(n < 0 for n in sizes):
        raise RuntimeError(f"Tensor: Trying to create tensor with negative dimension "
                           f"{min(sizes)}: {[int(n) for n in sizes]}")
    return tuple(int(n) for n in sizes)
