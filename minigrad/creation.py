"""Factories: tensors made from shapes, ranges and random draws."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import random
from .dtypes import get_default_dtype, is_number
from .ops import as_tensor, size_arg
from .ops._util import unary_input
from .tensor import Tensor


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Make a tensor from numbers, nested lists or an ndarray (the data is copied).

    Parameters
    ----------
    data : array_like
    dtype : numpy dtype, optional
        Float data defaults to float32; an ndarray keeps its dtype.
    requires_grad : bool
        Whether backward should fill ``.grad`` for this tensor.
    """
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """Wrap ``array`` without copying."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(array).__name__})")
    return as_tensor(array, "from_numpy")


def _make(array: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(array)
    t.requires_grad = requires_grad
    return t


def _float(dtype: Any) -> np.dtype:
    return get_default_dtype() if dtype is None else np.dtype(dtype)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of the given shape (float32 by default)."""
    return _make(np.zeros(size_arg("zeros", size), _float(dtype)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of the given shape (float32 by default)."""
    return _make(np.ones(size_arg("ones", size), _float(dtype)), requires_grad)


def full(size: Sequence[int], fill_value: Any, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value when not given."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full: argument 'size' must be a tuple of ints, not "
                        f"{type(size).__name__}")
    if dtype is None:
        if not is_number(fill_value):
            raise TypeError(f"full: fill_value must be a number, got "
                            f"{type(fill_value).__name__}")
        dtype = np.asarray(fill_value).dtype
        dtype = get_default_dtype() if dtype.kind == "f" else dtype
    return _make(np.full(size_arg("full", (size,)), fill_value, dtype=dtype), requires_grad)


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    t = unary_input("zeros_like", t)
    return _make(np.zeros(t.shape, dtype or t.dtype), requires_grad)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    t = unary_input("ones_like", t)
    return _make(np.ones(t.shape, dtype or t.dtype), requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` up to (not including) ``end``; int64 for integer arguments."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: upper bound and lower bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    array = np.arange(start, end, step)
    if dtype is not None:
        array = array.astype(dtype)
    elif array.dtype.kind == "f":
        array = array.astype(get_default_dtype())
    return _make(array, requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix (n x m)."""
    n, m = size_arg("eye", (n, n if m is None else m))
    return _make(np.eye(n, m, dtype=_float(dtype)), requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from the seeded generator."""
    array = random.default_generator().random(size_arg("rand", size), dtype=np.float64)
    return _make(array.astype(_float(dtype)), requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples from the seeded generator."""
    array = random.default_generator().standard_normal(size_arg("randn", size))
    return _make(array.astype(_float(dtype)), requires_grad)


def randint(low: int, high: int | None = None, size: Sequence[int] = (),
            dtype: Any = np.int64) -> Tensor:
    """Random integers in ``[low, high)``, or ``[0, low)`` when ``high`` is omitted."""
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"randint: expects 'low' to be less than 'high', but got "
                           f"low={low} >= high={high}")
    return Tensor._wrap(random.default_generator().integers(low, high, size=tuple(size),
                                                            dtype=dtype))
