"""Comparisons, tests and masks with PyTorch's names: ``eq`` ... ``ge``, ``isnan``,
``isclose``, ``all``/``any``, ``logical_and``/``or``/``xor``/``not``, ``nonzero`` (results
outside the graph), ``allclose`` and ``equal`` (Python bools), and ``masked_fill`` and
``nan_to_num`` (differentiable, built on ``where``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import is_number
from ..internal import array_of, wrap
from ..tensor import Tensor
from ..tensor_args import checked_cast
from ._util import (broadcast_shape, contiguous_result, float_arg, normalize_dims,
                    row_major_array, tensor_arg,
                    type_name, unary_input)
from .out_argument import takes_out
from .selection import compare, where


@takes_out()
def eq(input: Tensor, other: Any) -> Tensor:
    """``input == other`` elementwise, as a bool tensor."""
    return compare(np.equal, input, other)


@takes_out()
def ne(input: Tensor, other: Any) -> Tensor:
    """``input != other`` elementwise, as a bool tensor."""
    return compare(np.not_equal, input, other)


@takes_out()
def lt(input: Tensor, other: Any) -> Tensor:
    """``input < other`` elementwise, as a bool tensor."""
    return compare(np.less, input, other)


@takes_out()
def le(input: Tensor, other: Any) -> Tensor:
    """``input <= other`` elementwise, as a bool tensor."""
    return compare(np.less_equal, input, other)


@takes_out()
def gt(input: Tensor, other: Any) -> Tensor:
    """``input > other`` elementwise, as a bool tensor."""
    return compare(np.greater, input, other)


@takes_out()
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


@takes_out("same")
def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether every element (along ``dim``) is non-zero, as a bool tensor."""
    return _reduce(np.all, "all", input, dim, keepdim)


@takes_out("same")
def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether some element (along ``dim``) is non-zero, as a bool tensor."""
    return _reduce(np.any, "any", input, dim, keepdim)


def _reduce(find: Any, op: str, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    dims = normalize_dims(dim, input.ndim, op)
    found = row_major_array(np.asarray(find(array_of(input), axis=dims, keepdims=keepdim)))
    # PyTorch answers in uint8 for a uint8 input, in bool for any other
    return wrap(found.astype(np.uint8) if input.dtype == np.uint8 else found)


@contiguous_result
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
    elif is_number(value):
        value = wrap(checked_cast("masked_fill", value, input.dtype))
    else:
        raise TypeError(f"masked_fill(): argument 'value' must be a Number or a 0-d Tensor, "
                        f"not {type(value).__name__}")
    return where(mask, value, input)


@takes_out("same")
def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """``input`` with NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf``
    (by default 0 and the largest and smallest finite values of the dtype).

    The gradient flows where ``input`` is finite and is 0 where a value was replaced, as
    in PyTorch. Integer and bool tensors come back as a copy.
    """
    a = array_of(unary_input("nan_to_num", input))
    nan = float_arg("nan_to_num", 0.0 if nan is None else nan, "nan", 2)
    posinf, neginf = (None if v is None else float_arg("nan_to_num", v, name, position)
                      for name, v, position in (("posinf", posinf, 3), ("neginf", neginf, 4)))
    if a.dtype.kind != "f":
        return input.clone()
    filled = np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)
    return where(~np.isfinite(a), wrap(filled.astype(a.dtype, copy=False)), input)


def _logical(ufunc: np.ufunc, input: Tensor, other: Tensor) -> Tensor:
    """``ufunc`` of ``input != 0`` and ``other != 0``, as a bool tensor (NaN is true)."""
    op = ufunc.__name__
    _tensor_argument(op, "input", 1, input)
    _tensor_argument(op, "other", 2, other)
    broadcast_shape(op, input.shape, other.shape)
    return wrap(ufunc(array_of(input) != 0, array_of(other) != 0))


@takes_out()
def logical_and(input: Tensor, other: Tensor) -> Tensor:
    """Where both ``input`` and ``other`` are non-zero, as a bool tensor."""
    return _logical(np.logical_and, input, other)


@takes_out()
def logical_or(input: Tensor, other: Tensor) -> Tensor:
    """Where ``input`` or ``other`` is non-zero, as a bool tensor."""
    return _logical(np.logical_or, input, other)


@takes_out()
def logical_xor(input: Tensor, other: Tensor) -> Tensor:
    """Where exactly one of ``input`` and ``other`` is non-zero, as a bool tensor."""
    return _logical(np.logical_xor, input, other)


@takes_out()
def logical_not(input: Tensor) -> Tensor:
    """Where ``input`` is zero, as a bool tensor."""
    return wrap(array_of(unary_input("logical_not", input)) == 0)


@takes_out("same")
def isposinf(input: Tensor) -> Tensor:
    """Where ``input`` is +inf, as a bool tensor."""
    a = array_of(unary_input("isposinf", input))
    return wrap(np.isposinf(a) if a.dtype.kind == "f" else np.zeros(a.shape, np.bool_))


@takes_out("same")
def isneginf(input: Tensor) -> Tensor:
    """Where ``input`` is -inf, as a bool tensor."""
    a = array_of(unary_input("isneginf", input))
    return wrap(np.isneginf(a) if a.dtype.kind == "f" else np.zeros(a.shape, np.bool_))


def isreal(input: Tensor) -> Tensor:
    """Where ``input`` is real: everywhere, as minigrad has no complex dtypes."""
    return wrap(np.ones(unary_input("isreal", input).shape, np.bool_))


@takes_out("same")
def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """Whether each of ``elements`` is one of ``test_elements`` (either may be a number), as
    a bool tensor of ``elements``' shape; ``invert`` asks whether it is not."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() expected elements or test_elements to be a Tensor, got "
                        f"{type_name(elements)} and {type_name(test_elements)}")
    values = [array_of(v) if isinstance(v, Tensor) else np.asarray(v)
              for v in (elements, test_elements)]
    return wrap(np.isin(values[0], values[1], assume_unique=assume_unique, invert=invert))


def is_nonzero(input: Tensor) -> bool:
    """Whether the one value of ``input`` is not zero (``RuntimeError`` for any other
    number of values)."""
    size = unary_input("is_nonzero", input).numel()
    if size != 1:
        raise RuntimeError("Boolean value of Tensor with "
                           f"{'no values' if size == 0 else 'more than one value'} is "
                           "ambiguous")
    return bool(array_of(input).item())


def isclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Where ``|input - other| <= atol + rtol * |other|``, as a bool tensor."""
    if not isinstance(other, Tensor):  # PyTorch takes no number here
        raise TypeError(f"isclose(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    a, b = _same_dtype("isclose", input, other)
    return wrap(np.isclose(array_of(a), array_of(b), rtol=rtol, atol=atol,
                           equal_nan=equal_nan))


def allclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether every element of ``input`` is close to ``other`` (see `isclose`)."""
    return bool(array_of(isclose(input, other, rtol, atol, equal_nan)).all())


def equal(input: Tensor, other: Tensor) -> bool:
    """Whether the two tensors have the same shape and the same values."""
    input = tensor_arg("equal", input, "input", 1)
    other = tensor_arg("equal", other, "other", 2)
    return input.shape == other.shape and bool(np.array_equal(array_of(input),
                                                               array_of(other)))


def _same_dtype(op: str, input: Tensor, other: Any) -> tuple[Tensor, Tensor]:
    other = other if isinstance(other, Tensor) else wrap(np.asarray(other, input.dtype))
    if input.dtype != other.dtype:
        raise RuntimeError(f"{op}: expected both tensors to have the same dtype, got "
                           f"{input.dtype} and {other.dtype}")
    try:
        np.broadcast_shapes(input.shape, other.shape)
    except ValueError:
        raise RuntimeError(f"{op}: the shapes {tuple(input.shape)} and {tuple(other.shape)} "
                           "cannot be broadcast together") from None
    return input, other


@takes_out("same")
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The indices of the non-zero elements: an (n, ndim) int64 tensor, or with
    ``as_tuple`` one 1-d index tensor per dimension (as ``numpy.nonzero``)."""
    array = array_of(input)
    flat = array.reshape(-1) if array.ndim == 0 else array
    found = [i.astype(np.int64) for i in np.nonzero(flat)]
    if as_tuple:
        return tuple(wrap(i) for i in found)
    columns = np.stack(found, axis=1) if array.ndim else np.zeros((len(found[0]), 0),
                                                                     np.int64)
    return wrap(columns)


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """`nonzero` with exactly ``size`` rows: the first ``size`` indices, then rows of
    ``fill_value`` if there are fewer (a shape known before the values are)."""
    _tensor_argument("nonzero_static", "input", 1, input)
    for name, value in (("size", size), ("fill_value", fill_value)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"nonzero_static(): argument '{name}' must be int, not "
                            f"{type(value).__name__}")
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, got "
                           f"{size}")
    found = array_of(nonzero(input))[:size]
    rows = np.full((size, input.ndim), fill_value, np.int64)
    rows[:len(found)] = found
    return wrap(rows)


def _tensor_argument(op: str, name: str, position: int, value: Any) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, "
                        f"not {type(value).__name__}")


def argwhere(input: Tensor) -> Tensor:
    """The indices of the non-zero elements, one row each: ``nonzero(input)``."""
    return nonzero(input)
