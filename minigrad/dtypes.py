"""The default float dtype and the type promotion rule, as in PyTorch.

Which dtype does ``a + b`` have when ``a`` and ``b`` differ? NumPy and PyTorch answer
differently (NumPy: ``int64 + float32`` is float64; PyTorch: float32), and minigrad
follows PyTorch. The whole rule is `result_type`; every op with more than one
operand (``add``, ``mul``, ``div``, ``pow``, ``maximum``, ``where``, comparisons, ``clamp``,
``cat``, ``stack``, ...) calls it, through ``minigrad.ops._util.operands``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["get_default_dtype", "set_default_dtype", "promote_types", "result_type",
           "is_number", "category", "dtype_arg"]

_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_default = np.dtype(np.float32)


def get_default_dtype() -> np.dtype:
    """The dtype of Python floats: float32 unless `set_default_dtype` changed it.

    It is the dtype of ``tensor(1.5)`` and of the float factories (``zeros``, ``ones``,
    ``rand``, ``randn``, ``full`` with a float, ``arange`` with a float), and the dtype that
    integer tensors become in float math (``tensor([1, 2]).exp()``, ``tensor([1]) / 2``,
    ``tensor([1]) + 0.5``).
    """
    return _default


def set_default_dtype(dtype: Any) -> None:
    """Make ``dtype`` (float16, float32 or float64) the default float dtype.

    Raises
    ------
    TypeError
        For a dtype that is not a floating point type, as PyTorch does.
    """
    global _default
    dtype = np.dtype(dtype)
    if dtype not in _FLOATS:
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the "
                        f"default type, got {dtype}")
    _default = dtype


def category(dtype: np.dtype) -> int:
    """0 for bool, 1 for integers, 2 for floats: the order in which kinds of number win."""
    kind = dtype.kind
    if kind == "f":
        return 2
    if kind in "iu":
        return 1
    if kind == "b":
        return 0
    raise TypeError(f"dtype {dtype} is not supported by minigrad (bool, integer and float "
                    "dtypes are)")


def promote_types(a: Any, b: Any) -> np.dtype:
    """The smallest dtype both ``a`` and ``b`` convert to, as ``torch.promote_types``.

    A higher category wins outright (``int64`` and ``float16`` give ``float16``); within
    one category the wider type wins (``float32`` and ``float64`` give ``float64``,
    ``uint8`` and ``int8`` give ``int16``).
    """
    a, b = np.dtype(a), np.dtype(b)
    if a == b:
        return a
    ca, cb = category(a), category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def can_cast(from_: Any, to: Any) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` to ``to`` in its type-promoting ops:
    any cast within a category or up (bool, integer, float), none down."""
    return category(np.dtype(from_)) <= category(np.dtype(to))


_NUMBERS = (bool, int, float, np.bool_, np.integer, np.floating)


def is_number(value: Any) -> bool:
    """Whether ``value`` is a Python or NumPy scalar that takes part in promotion as a
    number (``complex`` is not supported)."""
    return isinstance(value, _NUMBERS)


def _number_dtype(value: Any) -> np.dtype:
    """The dtype a number stands for: bool, int64 or the default float dtype."""
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    return _default


def result_type(*operands: Any) -> np.dtype:
    """The dtype of an op's result, from its operands, by PyTorch's promotion rule.

    Every operand falls in one of three priority classes, highest first:

    1. tensors with at least one dimension,
    2. zero-dimensional tensors,
    3. numbers (Python or NumPy scalars; a float stands for the default dtype, an int
       for int64, a bool for bool).

    Within a class the dtypes are combined with `promote_types`. Then a lower class
    only matters if it brings a higher *category* (bool < integer < float): its dtype then
    wins, otherwise the higher class keeps its dtype. So

    * ``float32 tensor + float64 0-d tensor`` is float32 (same category: the dimensioned
      tensor wins), and ``float32 tensor + 2.5`` stays float32;
    * ``int64 tensor + float64 0-d tensor`` is float64 (the 0-d tensor brings floats);
    * ``int32 tensor + 2.5`` is the default float dtype, ``int32 tensor + 7`` stays int32;
    * ``bool tensor + 1`` is int64, ``int64 tensor * float16 tensor`` is float16.

    Parameters
    ----------
    *operands : Tensor, ndarray or number
        Anything with ``dtype`` and ``ndim`` counts as a tensor.
    """
    classes: list[np.dtype | None] = [None, None, None]
    for value in operands:
        if is_number(value):
            slot, dtype = 2, _number_dtype(value)
        else:
            slot, dtype = (0 if value.ndim else 1), value.dtype
        seen = classes[slot]
        classes[slot] = dtype if seen is None else promote_types(seen, dtype)
    result = None
    for dtype in classes:
        if dtype is not None and (result is None or category(dtype) > category(result)):
            result = dtype
    if result is None:
        raise TypeError("result_type: expected at least one operand")
    return result


def is_dtype(value: Any) -> bool:
    """Whether ``value`` names a NumPy dtype (``minigrad.float32``, ``np.float64``, ...)."""
    if isinstance(value, (np.dtype, type)):
        try:
            np.dtype(value)
        except TypeError:
            return False
        return True
    return False


# PyTorch's name of each dtype's scalar type, as its messages and legacy tensor types
# ("torch.FloatTensor") spell it.
SCALAR_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half",
                     "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                     "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
                     "complex128": "ComplexDouble"}


def scalar_type_name(dtype: Any) -> str:
    """PyTorch's name of ``dtype``'s scalar type: ``Float`` for float32, and so on."""
    name = np.dtype(dtype).name
    return SCALAR_TYPE_NAMES.get(name, name)


_PYTHON_DTYPES = (bool, int, float)  # PyTorch reads these as bool, int64 and float64


def dtype_arg(op: str, dtype: Any, name: str = "dtype") -> np.dtype | None:
    """The ``dtype=`` argument of ``op`` as a NumPy dtype (None stays None), checked as
    PyTorch checks it: a minigrad dtype (``minigrad.float32``), a NumPy scalar type
    (``np.float32``) or ``bool``/``int``/``float``. A string (``'float32'``), a legacy type
    (``minigrad.FloatTensor``) or a dtype minigrad has no tensors of (``'<U1'``, object) is
    PyTorch's ``TypeError``, so no factory makes a tensor of bytes by accident.

    Examples
    --------
    >>> dtype_arg("zeros", minigrad.int64)
    dtype('int64')
    """
    if dtype is None:
        return None
    numpy_type = isinstance(dtype, type) and issubclass(dtype, np.generic)
    if isinstance(dtype, np.dtype) or numpy_type or any(dtype is t for t in _PYTHON_DTYPES):
        result = np.dtype(dtype)
        if result.kind in "biufc":
            return result
    kind = type(dtype)
    shown = kind.__qualname__ if kind.__module__ == "builtins" else \
        f"{kind.__module__.split('.')[0]}.{kind.__qualname__}"
    raise TypeError(f"{op}(): argument '{name}' must be minigrad.dtype, not {shown} "
                    f"(got {dtype!r})")
