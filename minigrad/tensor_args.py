"""How ``Tensor`` and ``tensor`` read their arguments, as PyTorch does: ``Tensor(3)`` and
``Tensor(2, 3)`` are shapes, ``Tensor()`` is empty, nested sequences must not be ragged,
and the dtype is inferred from the data."""
from __future__ import annotations

import collections.abc
import functools
from typing import Any

import numpy as np

from .dtypes import dtype_arg, get_default_dtype, is_number, promote_types, result_type


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


def to_array(data: Any, dtype: Any = None, op: str = "tensor") -> np.ndarray:
    """Turn user data into a new array. Python floats take the default dtype (float32
    unless ``set_default_dtype`` changed it); ndarrays and NumPy scalars keep theirs.

    ``dtype`` is checked with `minigrad.dtypes.dtype_arg`. An ndarray (or tensor) is cast
    as ``astype`` casts (``tensor(np.array([300]), dtype=uint8)`` wraps to 44, as in
    PyTorch); numbers are converted as PyTorch converts them, see `checked_cast`.

    Raises
    ------
    TypeError
        An ndarray of strings, bytes or objects; a ``dtype`` that is not a dtype.
    ValueError
        A Python int outside int64 (PyTorch's "Overflow when unpacking long long").
    RuntimeError
        A number out of an integer ``dtype``'s range.
    """
    from .internal import array_of  # both build on this module
    from .tensor import Tensor
    dtype = dtype_arg(op, dtype)
    if isinstance(data, Tensor):
        data = array_of(data)
    elif _is_sequence(data):
        data = _tensors_as_scalars(data)
    if isinstance(data, np.ndarray):
        _check_array_kind(data)
        return np.array(data, dtype=dtype)
    array = _numbers_array(data, dtype is not None and dtype.kind in "fc")
    if dtype is not None:
        return checked_cast(op, array, dtype)
    if array.dtype.kind == "f" and not isinstance(data, np.generic):
        array = array.astype(_leaf_dtype(data), copy=False)
    return array


def _check_array_kind(array: np.ndarray) -> None:
    """PyTorch's ``TypeError`` for an ndarray minigrad can make no tensor of."""
    if array.dtype.kind not in "biufc":
        raise TypeError(f"tensor: can't convert np.ndarray of type numpy."
                        f"{array.dtype.type.__name__}. The only supported types are: float64, "
                        f"float32, float16, int64, int32, int16, int8, uint8, and bool.")


def _numbers_array(data: Any, to_float: bool = False) -> np.ndarray:
    """Numbers (a Python or NumPy scalar, or nested sequences of them) as an array of
    the dtype NumPy infers: int64, float64 or bool. Python ints beyond int64 are
    PyTorch's ``ValueError`` unless floats come with them or ``to_float`` (the data is
    for a float dtype): then the array is float64."""
    try:
        array = np.array(data)
    except ValueError as err:
        raise ragged(data) or ValueError(f"tensor: {err}") from None
    if array.dtype.kind == "O":
        stray = _not_a_number(data)
        if stray is not None:  # None, or an object NumPy would keep (as NaN, for None)
            raise RuntimeError(f"tensor: Could not infer dtype of {stray.__name__}")
    if array.dtype.kind in "Ouf" and (to_float or _has_float(data)):
        return array if array.dtype.kind == "f" else np.array(data, dtype=np.float64)
    if array.dtype.kind in "Ouf" and not isinstance(data, np.generic) and _big_int(data):
        raise ValueError(f"tensor: Overflow when unpacking long long (a Python int outside "
                         f"int64 in {_shown(data)})")
    if array.dtype.kind == "O":
        raise RuntimeError(f"tensor: Could not infer dtype of {type(data).__name__}")
    if array.dtype.kind in "US" and _is_sequence(data):
        kind = type(array.reshape(-1)[0].item()).__name__
        raise ValueError(f"tensor: too many dimensions '{kind}' (strings in {_shown(data)})")
    if array.dtype.kind not in "iubf":
        raise TypeError(f"tensor: cannot make a tensor from data of type {type(data).__name__} "
                        f"(NumPy dtype {array.dtype})")
    return array


def _not_a_number(data: Any) -> type | None:
    """The type of the first item of nested sequences that is neither a number nor a
    sequence (``NoneType`` for a None), or None if all are numbers."""
    if _is_sequence(data):
        for item in data:
            stray = _not_a_number(item)
            if stray is not None:
                return stray
        return None
    return None if isinstance(data, (bool, int, float, np.number, np.bool_)) else type(data)


def _has_float(data: Any) -> bool:
    if _is_sequence(data):
        return any(_has_float(item) for item in data)
    return isinstance(data, (float, np.floating))


def _big_int(data: Any) -> bool:
    """Whether numbers (nested, or an array of objects) hold a Python int beyond int64."""
    if _is_sequence(data) or isinstance(data, np.ndarray):
        return any(_big_int(item) for item in data)
    limit = np.iinfo(np.int64)
    return isinstance(data, int) and not limit.min <= data <= limit.max


def _shown(data: Any) -> str:
    text = repr(data)
    return text if len(text) <= 60 else text[:57] + "..."


def checked_cast(op: str, values: Any, dtype: np.dtype) -> np.ndarray:
    """Numbers (an array or a scalar) in ``dtype``, converted as PyTorch converts numbers
    (not tensors): into an integer dtype, a float must lie within its range (no NaN or
    inf) and is truncated; an int must lie within it too, except that a negative int down
    to ``-max`` wraps into an unsigned dtype (``-1`` is 255 in uint8). Anything else is
    PyTorch's ``RuntimeError``. Floats beyond a float dtype's range become inf and any
    number converts to bool.
    """
    array = np.asarray(values)
    if dtype.kind in "iu" and array.size:
        if array.dtype.kind in "Ou":
            if _big_int(array.reshape(-1).tolist()) and dtype != np.uint64:
                raise RuntimeError(f"{op}: value cannot be converted to type {dtype} "
                                   f"without overflow (a Python int outside int64)")
            array = array.astype(np.float64 if array.dtype.kind == "O" else array.dtype)
        info = np.iinfo(dtype)
        low = -info.max if dtype.kind == "u" and array.dtype.kind in "ib" else info.min
        with np.errstate(invalid="ignore"):
            inside = (array >= low) & (array <= info.max)
        if not np.all(inside):
            bad = array[~inside].reshape(-1)[0]
            raise RuntimeError(f"{op}: value cannot be converted to type {dtype} without "
                               f"overflow (got {bad})")
        if dtype.kind == "u" and array.dtype.kind == "i":
            return array.astype(np.int64).astype(dtype)  # wraps: -1 is max
    with np.errstate(over="ignore"):
        return array.astype(dtype)


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


def fill_array(op: str, fill_value: Any, dtype: Any) -> np.ndarray:
    """``fill_value`` as a 0-d array of ``dtype`` (bool, int64 or the default float dtype
    after the value, if None), converted as PyTorch converts a fill value: it must be a
    number (``TypeError``) that ``dtype`` holds (``RuntimeError``; a negative int wraps
    into an unsigned dtype, a finite float must not overflow a float dtype)."""
    if not is_number(fill_value):
        raise TypeError(f"{op}(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type_name(fill_value)}")
    dtype = result_type(fill_value) if dtype is None else dtype
    array = checked_cast(op, fill_value, dtype)
    if dtype.kind == "f" and np.isfinite(float(fill_value)) and not np.isfinite(array):
        raise RuntimeError(f"{op}: value cannot be converted to type {dtype} without "
                           f"overflow (got {fill_value})")
    return array
