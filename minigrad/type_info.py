"""`finfo` and `iinfo`: the numerical limits of a dtype, as PyTorch reports them.

NumPy's ``np.finfo`` and ``np.iinfo`` know the numbers; these wrap them so that the
fields are Python floats and ints (``finfo(float32).eps`` is a float, as in PyTorch, not a
NumPy scalar) and so that the wrong kind of dtype raises PyTorch's TypeError.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import get_default_dtype


def _dtype(dtype: Any, op: str) -> np.dtype:
    """A dtype, or the Python type float or int; not a name (PyTorch refuses strings)."""
    try:
        if not isinstance(dtype, str):
            return np.dtype(dtype)
    except TypeError:
        pass
    raise TypeError(f"{op}(): argument 'type' must be a dtype, not {type(dtype).__name__}")


class finfo:  # noqa: N801  (PyTorch's name)
    """The limits of a floating-point dtype (the default dtype when none is given).

    Attributes
    ----------
    bits : int
        The number of bits the type occupies.
    eps : float
        The difference between 1.0 and the next larger representable number.
    max, min : float
        The largest and the most negative finite numbers.
    tiny, smallest_normal : float
        The smallest positive normal number.
    resolution : float
        The approximate decimal resolution, ``10 ** -precision``.
    dtype : str
        The dtype's name.

    Raises
    ------
    TypeError
        For an integer or bool dtype, or a dtype's name (a str), as PyTorch does.
    """

    def __init__(self, type: Any = None) -> None:  # noqa: A002  (PyTorch's name)
        dtype = get_default_dtype() if type is None else _dtype(type, "finfo")
        if dtype.kind != "f":
            raise TypeError(f"finfo() requires a floating point input type, got {dtype}; "
                            f"use iinfo for it")
        info = np.finfo(dtype)
        self.bits = int(info.bits)
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)
        self.dtype = dtype.name

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:  # noqa: N801  (PyTorch's name)
    """The limits of an integer dtype.

    Attributes
    ----------
    bits : int
        The number of bits the type occupies.
    max, min : int
        The largest and the smallest value.
    dtype : str
        The dtype's name.

    Raises
    ------
    TypeError
        For a floating-point or bool dtype, or a dtype's name (a str), as PyTorch does.
    """

    def __init__(self, type: Any) -> None:  # noqa: A002  (PyTorch's name)
        dtype = _dtype(type, "iinfo")
        if dtype.kind == "b":
            raise TypeError("bool is not supported by iinfo")
        if dtype.kind not in "iu":
            raise TypeError(f"iinfo() requires an integer input type, got {dtype}; use "
                            f"finfo for it")
        info = np.iinfo(dtype)
        self.bits, self.min, self.max = int(info.bits), int(info.min), int(info.max)
        self.dtype = dtype.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
