"""PyTorch's legacy tensor types: ``FloatTensor``, ``LongTensor``, ... .

``minigrad.FloatTensor([1, 2])`` makes a float32 tensor of the data and
``minigrad.FloatTensor(2, 3)`` one of that shape; ``isinstance(t, minigrad.LongTensor)`` is
True for an int64 tensor, and ``t.type(minigrad.FloatTensor)`` casts, as in PyTorch.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import Tensor


class _TensorType(type):
    """The metaclass: an instance check by dtype."""

    dtype: np.dtype

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'minigrad.{cls.__name__}'>"


class _LegacyTensor(metaclass=_TensorType):
    dtype = np.dtype(np.float32)

    def __new__(cls, *args: Any) -> Tensor:  # type: ignore[misc]
        if not args:
            return Tensor(np.zeros(0, cls.dtype))  # FloatTensor(): empty, as in PyTorch
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
            return Tensor(np.zeros(tuple(int(a) for a in args), cls.dtype))
        if len(args) != 1:
            raise TypeError(f"{cls.__name__}: expected sizes or one sequence of data, got "
                            f"{args!r}")
        return Tensor(args[0], dtype=cls.dtype)


def _legacy(name: str, dtype: Any) -> type:
    return _TensorType(name, (_LegacyTensor,), {"dtype": np.dtype(dtype), "__doc__":
                                                f"A {np.dtype(dtype)} tensor (PyTorch's "
                                                f"legacy type {name}).",
                                                "__module__": "minigrad"})


FloatTensor = _legacy("FloatTensor", np.float32)
DoubleTensor = _legacy("DoubleTensor", np.float64)
HalfTensor = _legacy("HalfTensor", np.float16)
LongTensor = _legacy("LongTensor", np.int64)
IntTensor = _legacy("IntTensor", np.int32)
ShortTensor = _legacy("ShortTensor", np.int16)
CharTensor = _legacy("CharTensor", np.int8)
ByteTensor = _legacy("ByteTensor", np.uint8)
BoolTensor = _legacy("BoolTensor", np.bool_)


def typename(obj: Any, /) -> str:
    """The qualified name of ``obj``'s type: for a tensor its legacy type name
    (``'minigrad.LongTensor'``, as ``tensor.type()``), for a class or function its module
    and name (``'minigrad.nn.modules.linear.Linear'``, without ``builtins.``), and for any
    other object those of its class.

    Examples
    --------
    >>> typename(minigrad.tensor([1, 2])), typename(3), typename(np.float32)
    ('minigrad.LongTensor', 'int', 'numpy.float32')
    """
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if name is None:
        module, name = type(obj).__module__ or "", type(obj).__qualname__
    return name if module in ("", "builtins") else f"{module}.{name}"
