"""Helpers shared by the primitives: operand conversion, dims, broadcasting, and writing into
a tensor's memory."""
from __future__ import annotations

import functools

import operator
from typing import Any, Callable, Sequence

import numpy as np

from .. import type_objects
from ..autograd.grad_mode import is_grad_enabled
from ..dtypes import get_default_dtype, is_number, result_type, scalar_type_name
from ..internal import array_of, replace_array, wrap
from ..tensor import Tensor
from ..tensor_args import type_name


def as_tensor(value: Any, op: str = "tensor", dtype: Any = None) -> Tensor:
    """``value`` as a tensor: a Tensor as it is, an ndarray wrapped (not copied), a number
    or nested list as a new constant (a Python float in the default dtype).

    Tensors of other libraries (a ``torch.Tensor``) are refused rather than silently read
    through NumPy: ``op`` names the operation in the ``TypeError``. With ``dtype`` the
    result is cast to it (differentiably for a Tensor).
    """
    if isinstance(value, Tensor):
        return value if dtype is None or value.dtype == dtype else value.to(dtype)
    if isinstance(value, np.ndarray):
        array = value
    elif is_number(value) and dtype is not None:
        return wrap(np.asarray(value).astype(dtype))
    elif is_number(value) or isinstance(value, (list, tuple)):
        array = _number_array(value)
    else:
        raise TypeError(f"{op}: expected a minigrad.Tensor, a number or an ndarray, got "
                        f"{type_name(value)}")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{op}: unsupported dtype {array.dtype} (minigrad supports bool, "
                        "integer and float dtypes)")
    if dtype is not None and array.dtype != dtype:
        array = array.astype(dtype)
    return wrap(array)


def _number_array(value: Any) -> np.ndarray:
    if isinstance(value, float):
        return np.array(value, dtype=get_default_dtype())
    return array_of(Tensor(value)) if isinstance(value, (list, tuple)) else np.asarray(value)


def is_operand(value: Any) -> bool:
    """Whether ``value`` can be an operand of an elementwise op: a Tensor, an ndarray or a
    number. ``tensor == None`` and ``tensor == [1, 2]`` are then False, as in PyTorch."""
    return isinstance(value, (Tensor, np.ndarray)) or is_number(value)


def promoted_dtype(op: str, *values: Any) -> np.dtype:
    """`minigrad.dtypes.result_type` of ``op``'s operands, after checking that each
    is a Tensor, an ndarray or a number. Anything else (a list, a tensor of another
    library) raises a ``TypeError`` that names ``op`` and the operand types, as PyTorch
    refuses ``tensor + list``."""
    for value in values:
        if not is_operand(value):
            kinds = " and ".join(type_name(v) for v in values)
            raise TypeError(f"{op}: unsupported operand types {kinds}")
    return result_type(*values)


_PYTHON_NUMBERS = (int, float, bool)  # a number never changes a float tensor's dtype


def operands(op: str, *values: Any) -> tuple[Tensor, ...]:
    """The operands of ``op`` as tensors of their `promoted_dtype`.

    Numbers become constants; a Tensor of another dtype is cast (a differentiable cast, so
    its gradient comes back in its own dtype).
    """
    if len(values) == 2:  # fast paths: two tensors that agree; a float tensor and a number
        a, b = values
        if isinstance(a, Tensor):
            if isinstance(b, Tensor) and a.dtype == b.dtype:
                return a, b
            if type(b) in _PYTHON_NUMBERS and a.dtype.kind == "f":
                return a, wrap(np.array(b, a.dtype))
        elif isinstance(b, Tensor) and type(a) in _PYTHON_NUMBERS and b.dtype.kind == "f":
            return wrap(np.array(a, b.dtype)), b
    dtype = promoted_dtype(op, *values)
    return tuple(as_tensor(v, op, dtype) for v in values)


def row_major_array(array: Any) -> Any:
    """``array`` with row-major strides (copied only if it has others), as PyTorch's
    reduction kernels write their results whatever the input's layout; NumPy's follow
    the input's order. A NumPy scalar (a 0-d result) is returned as it is."""
    if np.ndim(array) == 0 or type_objects.row_major(array):
        return array
    return np.array(array, order="C")


def need_a_tensor(op: str, *values: Any) -> None:
    """PyTorch's ``TypeError`` for a function of tensors given only numbers (one of the
    operands may be a number, not all)."""
    if not any(isinstance(v, Tensor) for v in values):
        kinds = ", ".join(type(v).__name__ for v in values)
        raise TypeError(f"{op}() received an invalid combination of arguments - got "
                        f"({kinds}), but expected at least one Tensor")


def contiguous_result(function: Callable) -> Callable:
    """``function`` whose tensor results are row-major, as PyTorch's kernels for
    reductions along a dim, concatenation and gathers write them (so ``.view()`` works on
    them), whatever the layout of the inputs; NumPy would keep a transposed layout."""
    def as_contiguous(value: Any) -> Any:
        return value.contiguous() if isinstance(value, Tensor) and \
            not value.is_contiguous() else value

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _each_result(function(*args, **kwargs), as_contiguous)
    return wrapper


def _each_result(out: Any, change: Callable) -> Any:
    """``change`` applied to ``out``, or to each item of a tuple (or named tuple) ``out``."""
    if isinstance(out, tuple):
        items = [change(v) for v in out]
        return type(out)(*items) if hasattr(out, "_fields") else type(out)(items)
    return change(out)


def input_layout_result(function: Callable) -> Callable:
    """``function`` whose tensor results of the input's shape lie in memory in the
    input's order of dims, packed, as PyTorch's sort and flip write them (a transposed
    input gives a transposed result); NumPy would write them row-major."""
    def relaid(value: Any, like: np.ndarray) -> Any:
        if isinstance(value, Tensor) and value.shape == like.shape and \
                value.is_contiguous():  # fresh: relaying its array changes no value
            replace_array(value, type_objects.laid_out(
                array_of(value), type_objects.preserve_format, function.__name__, like),
                tracked=False)
        return value

    @functools.wraps(function)
    def wrapper(input: Any, *args: Any, **kwargs: Any) -> Any:
        out = function(input, *args, **kwargs)
        if not isinstance(input, Tensor) or input.ndim < 2 or input.is_contiguous():
            return out
        return _each_result(out, functools.partial(relaid, like=array_of(input)))
    return wrapper


def unary_input(op: str, x: Any) -> Tensor:
    """``x`` if it is a minigrad Tensor, else PyTorch's ``TypeError`` naming ``op``."""
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{op}: argument 'input' must be a minigrad.Tensor, not {type_name(x)}")


def tensor_arg(op: str, value: Any, name: str, position: int | None = None) -> Tensor:
    """``value`` if it is a minigrad Tensor, else PyTorch's ``TypeError`` naming ``op``
    and the argument (and its ``position``, if given)."""
    if isinstance(value, Tensor):
        return value
    where = "" if position is None else f" (position {position})"
    raise TypeError(f"{op}(): argument '{name}'{where} must be Tensor, not {type_name(value)}")


def float_arg(op: str, value: Any, name: str, position: int | None = None) -> float:
    """A number argument as a Python float (a one-element tensor is read as its number,
    as PyTorch reads it); anything else is PyTorch's ``TypeError``."""
    if isinstance(value, Tensor) and value.numel() == 1:
        return float(value.item())
    if not is_number(value):
        where = "" if position is None else f" (position {position})"
        raise TypeError(f"{op}(): argument '{name}'{where} must be float, not "
                        f"{type_name(value)}")
    return float(value)


def int_arg(op: str, value: Any, name: str) -> int:
    """``value`` as a Python int; a float, bool or anything else is PyTorch's
    ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type_name(value)}")
    return int(value)


def float_input(op: str, x: Any) -> Tensor:
    """The input of a float function (exp, log, sigmoid, erf, ...): integer and bool tensors
    become the default float dtype, so ``tensor([1, 2]).exp()`` is float32 as in PyTorch."""
    x = unary_input(op, x)
    return x if x.dtype.kind == "f" else x.to(get_default_dtype())


def float_input_to(op: str, input: Any, dtype: Any, message: str) -> Tensor:
    """A floating-point ``input`` (else ``message``, formatted with its ``dtype``), cast to
    ``dtype`` if given (a wider one only)."""
    input = unary_input(op, input)
    if input.dtype.kind != "f":
        raise RuntimeError(message.format(dtype=input.dtype))
    if dtype is not None and np.promote_types(input.dtype, dtype) != dtype:
        raise RuntimeError(f"{op}: the dtype of the input ({input.dtype}) should be "
                           f"convertible without narrowing to the specified dtype ({dtype})")
    return input if dtype is None else input.to(dtype)


def in_dtype(x: Tensor, dtype: Any) -> Tensor:
    """``x`` cast to the ``dtype=`` of a sum or product. As PyTorch's autograd, refuses
    a dtype that is not float for an input that requires grad (in grad mode)."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f" and x.requires_grad and is_grad_enabled():
        raise RuntimeError(f"Autograd not support dtype: {scalar_type_name(dtype)}")
    return x if x.dtype == dtype else x.to(dtype)


def check_same_dtype(op: str, input: Tensor, **others: Tensor | None) -> None:
    """PyTorch's ``RuntimeError``, naming both dtypes, when an operand's dtype differs from
    the input's (None operands are skipped): matmul, linear, conv2d and the normalization
    layers do not promote, so a float64 batch never silently meets float32 weights.

    Examples
    --------
    >>> check_same_dtype("linear", x, weight=w, bias=b)
    """
    for name, other in others.items():
        if other is not None and other.dtype != input.dtype:
            raise RuntimeError(f"{op}: expected the input and {name} to have the same dtype, "
                               f"but got input of dtype {input.dtype} and {name} of dtype "
                               f"{other.dtype} (cast one, e.g. with .float() or "
                               f"model.double())")


def binary(function: Any, a: Any, b: Any) -> Tensor:
    """Apply a binary primitive to operands promoted and checked as PyTorch does."""
    a, b = operands(function.name, a, b)
    if a.shape != b.shape and a.ndim and b.ndim:
        broadcast_shape(function.name, a.shape, b.shape)
    return function.apply(a, b)


def broadcast_shape(op: str, *shapes: Sequence[int]) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(tuple(s)) for s in shapes)
        raise RuntimeError(f"{op}: shapes {listed} cannot be broadcast together") from None


def normalize_dim(dim: int, ndim: int, op: str) -> int:
    """A dimension index in [0, ndim), from an index that may be negative."""
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}")
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"{op}: dimension out of range (expected to be in range of "
                         f"[{-size}, {size - 1}], but got {dim})")
    return int(dim) % size


def normalize_dims(dim: Any, ndim: int, op: str, empty_is_all: bool = True
                   ) -> tuple[int, ...]:
    """``dim`` (None, an int or a sequence) as a sorted tuple of distinct dims.

    None means every dim; so does an empty sequence, as in PyTorch's reductions
    (``x.sum(dim=())`` is the total), unless ``empty_is_all`` is False. Dims 0 and -1 are
    valid on a 0-d tensor, as in PyTorch.
    """
    if dim is None or (empty_is_all and isinstance(dim, (tuple, list)) and not dim):
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        dims = (dim,)
    elif isinstance(dim, (tuple, list)):
        dims = tuple(dim)
    else:
        raise TypeError(f"{op}: dim must be an int or a tuple of ints, got "
                        f"{type_name(dim)}")
    result = tuple(sorted({normalize_dim(d, ndim, op) for d in dims}))
    if len(result) != len(dims):
        raise RuntimeError(f"{op}: dim {dim} appears multiple times in the list of dims")
    return result if ndim else ()


def int_tuple(op: str, values: Any, name: str = "size") -> tuple[int, ...]:
    """``values`` as a tuple of Python ints; anything else is PyTorch's ``TypeError``."""
    values = tuple(values)
    for n in values:
        if isinstance(n, bool) or not hasattr(n, "__index__"):
            raise TypeError(f"{op}: argument '{name}' must be a tuple of ints, but found "
                            f"element of type {type_name(n)}: {list(values)}")
    return tuple(operator.index(n) for n in values)


def size_arg(op: str, size: tuple) -> tuple[int, ...]:
    """The shape of a new tensor, from ``f(2, 3)`` or ``f((2, 3))``, checked as PyTorch
    checks it: ints only (``TypeError``), none negative (``RuntimeError``)."""
    shape = int_tuple(op, shape_arg(size))
    if any(n < 0 for n in shape):
        raise RuntimeError(f"{op}: Trying to create tensor with negative dimension "
                           f"{min(shape)}: {list(shape)}")
    return shape


def sizes_arg(op: str, name: str, given: tuple, keyword: Any) -> tuple:
    """Sizes (or dims) as PyTorch's factories and methods take them: ``f(2, 3)``,
    ``f((2, 3))`` or ``f(name=(2, 3))``. A TypeError when there are none, when both forms
    are given, or when the keyword is not a sequence."""
    if keyword is not None:
        if given:
            raise TypeError(f"{op}() got multiple values for argument '{name}'")
        if not isinstance(keyword, (tuple, list)):
            raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, not "
                            f"{type(keyword).__name__}")
        return tuple(keyword)
    if not given:  # f() with no size at all; f(()) is a 0-d tensor
        raise TypeError(f'{op}() missing 1 required positional arguments: "{name}"')
    return shape_arg(given)


def shape_arg(shape: tuple) -> tuple[int, ...]:
    """Accept both ``f(2, 3)`` and ``f((2, 3))``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def int_power(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x ** y`` of integers, where a negative ``y`` gives the integer part of ``1 / x**-y``
    (1 for x = 1, +-1 for x = -1, else 0) instead of NumPy's ValueError, as in PyTorch."""
    negative = y < 0
    if not np.any(negative):
        return np.power(x, y)
    out = np.power(x, np.where(negative, 0, y))
    odd = (y % 2).astype(bool)
    small = np.where(x == 1, 1, np.where(x == -1, np.where(odd, -1, 1), 0))
    return np.where(negative, small, out).astype(out.dtype)


def zero_where(values: np.ndarray, mask: np.ndarray, out: np.ndarray | None = None
               ) -> np.ndarray:
    """A copy of float ``values`` (into ``out`` if given) with exact zeros where ``mask``
    (a bool array of the same shape) is True, and the values untouched elsewhere (NaN and
    inf included).

    The same result as ``np.where(mask, 0, values)``, ten times faster on float32 (NumPy's
    ``where`` is not vectorised for it): the bits of each value are ANDed with all ones
    where it stays and with zeros where it goes. That mask of bits is written straight into
    the result's memory and ANDed there, so only one buffer of the values' size is touched.
    """
    bits = np.dtype(f"i{values.dtype.itemsize}")
    in_place = out is not None and not np.may_share_memory(out, values)
    keep = out.view(bits) if in_place else np.empty(values.shape, bits)
    # mask - 1 in int8: 0 where it is True, -1 (all bits set) where it is False.
    np.subtract(np.asarray(mask).view(np.int8), np.int8(1), out=keep, dtype=np.int8,
                casting="unsafe")
    np.bitwise_and(values.view(bits), keep, out=keep)
    if out is None:
        return keep.view(values.dtype)
    if not in_place:  # out overlaps values: the mask could not be written there first
        np.copyto(out.view(bits), keep)
    return out


OVERLAP_MESSAGE = ("{op}: unsupported operation: more than one element of the written-to "
                   "tensor refers to a single memory location (an expanded tensor). Please "
                   "clone() the tensor before performing the operation.")


def overlaps(array: np.ndarray) -> bool:
    """Whether several elements of ``array`` share memory (a stride 0 over 2+ items)."""
    return array.size > 0 and any(stride == 0 and n > 1
                                  for stride, n in zip(array.strides, array.shape))


def writable(t: Tensor, op: str, shared_ok: bool = False) -> np.ndarray:
    """The array of ``t``, ready for ``op`` to write into (the same memory, for views). An
    expanded ``t``, whose elements share memory, is refused unless ``shared_ok``."""
    array = array_of(t)
    if overlaps(array) and not shared_ok:
        raise RuntimeError(OVERLAP_MESSAGE.format(op=op))
    if array.flags.writeable:
        return array
    twin = writable_twin(array)  # an expanded view: NumPy marks it read-only, memory is not
    if twin is not None:
        return twin
    array = array.copy()  # a read-only array handed in from NumPy: give it its own memory
    replace_array(t, array)
    return array


def writable_twin(array: np.ndarray) -> np.ndarray | None:
    """A writable array over the same memory as the read-only view ``array`` (NumPy marks
    expanded arrays and diagonals read-only though their memory is not), or None when the
    memory itself is read-only. Its ``base`` chain ends at the owner, as a view's does."""
    owner = _owner(array)
    if not owner.flags.writeable:
        return None
    return alias(array, array.shape, array.strides, writeable=True)


def byte_strides(array: np.ndarray) -> tuple[int, ...]:
    """``array``'s strides in bytes as PyTorch would report them: row-major ones for an
    empty array to which NumPy gave all-zero strides, else NumPy's."""
    if array.size == 0 and not any(array.strides):
        return tuple(s * array.itemsize for s in type_objects.format_strides(
            array.shape, type_objects.contiguous_format, ""))
    return array.strides


def alias(array: np.ndarray, shape: tuple[int, ...], strides: tuple[int, ...],
          writeable: bool | None = None) -> np.ndarray:
    """A view of ``array``'s memory from its first element with ``shape`` and ``strides``
    (in bytes), whose ``base`` chain ends at the owner of the memory, so that minigrad
    sees a view (``np.lib.stride_tricks.as_strided`` hides the owner). Read-only if
    ``array`` is, unless ``writeable`` says otherwise (the owner's memory must be)."""
    owner = _owner(array)
    offset = array.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    if 0 in shape:  # empty: NumPy still wants its start inside the buffer (PyTorch's
        offset = min(offset, owner.nbytes)  # strides may put it one row past the end)
    out = np.ndarray(shape, array.dtype, buffer=_in_memory_order(owner), offset=offset,
                     strides=strides)
    if not (array.flags.writeable if writeable is None else writeable):
        out.flags.writeable = False
    return out


def _in_memory_order(owner: np.ndarray) -> np.ndarray:
    """``owner`` with its dims in the order they lie in memory: C-contiguous, so that it
    can serve as a buffer, for an owner NumPy laid out in another order (the result of
    an elementwise op on a permuted array keeps the permuted layout)."""
    if owner.flags.c_contiguous:
        return owner
    return owner.transpose(np.argsort(owner.strides, kind="stable")[::-1])


def _owner(array: np.ndarray) -> np.ndarray:
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array
