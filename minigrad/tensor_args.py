"""How ``Tensor`` and ``tensor`` read their arguments, as PyTorch does: ``Tensor(3)`` and
``Tensor(2, 3)`` are shapes, ``Tensor()`` is empty, nested sequences must not be ragged,
and the dtype is inferred from the data."""
from __future__ import annotations

import collections.abc
import functools
from typing import Any

import numpy as np

from .dtypes import get_default_dtype, promote_types


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


def to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Turn user data into a new array. Python floats take the default dtype (float32
    unless ``set_default_dtype`` changed it); ndarrays and NumPy scalars keep theirs."""
    from .internal import array_of  # both build on this module
    from .tensor import Tensor
    if isinstance(data, Tensor):
        data = array_of(data)
    elif _is_sequence(data):
        data = _tensors_as_scalars(data)
    try:
        if dtype is not None:
            return np.array(data, dtype=np.dtype(dtype))
        if isinstance(data, (np.ndarray, np.generic)):
            return np.array(data)
        array = np.array(data)
    except ValueError as err:
        raise ragged(data) or ValueError(f"tensor: {err}") from None
    if array.dtype.kind == "f":
        array = array.astype(_leaf_dtype(data), copy=False)
    elif array.dtype.kind == "O":
        raise RuntimeError(f"tensor: Could not infer dtype of {type(data).__name__}")
    elif array.dtype.kind not in "iub":
        raise TypeError(f"tensor: cannot make a tensor from data of type {type(data).__name__} "
                        f"(NumPy dtype {array.dtype})")
    return array


def _tensors_as_scalars(data: Any) -> Any:
    """Nested data with each Tensor in it as a NumPy scalar of its dtype: PyTorch reads a
    tensor inside a list as one number (and refuses one of several elements)."""
    from .internal import array_of
    from .tensor import Tensor
    if isinstance(data, Tensor):
        if data.numel() != 1:
            raise ValueError("tensor: only one element tensors can be converted to Python "
                             f"scalars (got one of shape {tuple(data.shape)} in the data)")
        return array_of(data).reshape(())[()]
    if _is_sequence(data):
        return [_tensors_as_scalars(item) for item in data]
    return data


def _is_sequence(data: Any) -> bool:
    """A Python sequence (list, tuple, deque, range, ...), which PyTorch reads element by
    element; strings are not."""
    return isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes))


def _leaf_dtype(data: Any) -> np.dtype:
    """The float dtype of nested data, as PyTorch infers it: a Python float stands for the
    default dtype, a NumPy float (or array, or Tensor) for its own dtype."""
    found = {get_default_dtype()} if isinstance(data, float) else set()
    stack = [data] if _is_sequence(data) else []
    while stack:
        for item in stack.pop():
            if _is_sequence(item):
                stack.append(item)
            elif isinstance(getattr(item, "dtype", None), np.dtype):  # array or tensor
                found.add(np.dtype(item.dtype))
            elif isinstance(item, float):
                found.add(get_default_dtype())
    return functools.reduce(promote_types, found) if found else get_default_dtype()


def legacy_data(data: Any) -> np.ndarray:
    """PyTorch's ``Tensor(sequence)``: the numbers in the default float dtype, whatever
    their type (``tensor`` keeps ints and bools). A single number is refused, as there."""
    if not isinstance(data, (list, tuple)):
        raise TypeError(f"Tensor: data must be a sequence (got {type_name(data)})")
    array = to_array(data)
    return array.astype(get_default_dtype(), copy=False)
