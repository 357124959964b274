"""Factories: tensors made from data, shapes, ranges and random draws.

Every factory takes PyTorch's keywords ``dtype``, ``device`` (the CPU only) and
``requires_grad``; the random ones take ``generator`` too.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import random, spacing
from .devices import check_device
from .dtypes import dtype_arg, get_default_dtype, is_number
from .internal import array_of, new_array, wrap
from .ops import as_tensor as _as_operand, size_arg, sizes_arg
from .ops._util import alias, int_arg, int_tuple, unary_input
from .ops.out_argument import takes_out
from .tensor import Tensor
from .tensor_args import fill_array, type_name
from .type_objects import check_layout, layout_keywords


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, *, device: Any = None,
           pin_memory: bool = False) -> Tensor:
    """Make a tensor from numbers, nested lists or an ndarray (the data is copied).

    Parameters
    ----------
    data : array_like
    dtype : numpy dtype, optional
        Float data defaults to float32; an ndarray keeps its dtype.
    requires_grad : bool
        Whether backward should fill ``.grad`` for this tensor.
    device : str or minigrad.device, optional
        Only the CPU.
    pin_memory : bool
        Accepted and ignored (there is no GPU to pin memory for).
    """
    check_device(device, "tensor")
    result = wrap(new_array(data, dtype))
    if requires_grad:
        result.requires_grad = True
    return result


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory when it can: a tensor of the right dtype is
    returned as it is, an ndarray of the right dtype is wrapped without a copy."""
    check_device(device, "as_tensor")
    dtype = dtype_arg("as_tensor", dtype)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtype == data.dtype):
        return from_numpy(data)
    return wrap(new_array(data, dtype))


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool | None = None) -> Tensor:
    """``obj`` as a tensor, sharing its memory when it can, as ``torch.asarray``.

    Parameters
    ----------
    obj : Tensor, ndarray, NumPy scalar, buffer, number or sequence
        A tensor, an ndarray or an object with the buffer protocol (``bytes``,
        ``array.array``, read as elements of ``dtype``, the default float dtype if None) is
        shared; a NumPy scalar, a number or a (nested) sequence is copied, as
        ``minigrad.tensor`` reads it.
    dtype : dtype, optional
        Another dtype than ``obj``'s means a copy (for a tensor, a differentiable one).
    device : optional
        Only the CPU.
    copy : bool, optional
        None: share when possible; True: always copy (a tensor through ``clone``, which
        keeps its history); False: share, or raise if that is impossible.
    requires_grad : bool, optional
        None keeps a tensor's own setting (others do not require grad). True makes the
        result require grad; False a result without history (a tensor with one gives its
        ``detach()``). Like PyTorch, a tensor returned as it is (no copy) has its own
        ``requires_grad`` set to this value.

    Raises
    ------
    ValueError
        ``copy=False`` with a dtype change, a number or a sequence.
    RuntimeError
        ``copy=False`` with a NumPy scalar; ``requires_grad=True`` for an integer dtype.
    """
    check_device(device, "asarray")
    dtype = dtype_arg("asarray", dtype)
    for name, flag in (("copy", copy), ("requires_grad", requires_grad)):
        if flag is not None and not isinstance(flag, bool):
            raise TypeError(f"asarray(): argument '{name}' must be bool, not "
                            f"{type(flag).__name__}")
    if isinstance(obj, Tensor):
        out = _tensor_asarray(obj, dtype, copy)
    else:
        out = from_numpy(_asarray_array(obj, dtype, copy))
    if requires_grad is False and out.grad_fn is not None:
        return out.detach()
    if requires_grad is not None and out.grad_fn is None:
        out.requires_grad_(requires_grad)
    return out


def _tensor_asarray(obj: Tensor, dtype: np.dtype | None, copy: bool | None) -> Tensor:
    if dtype is None or dtype == obj.dtype:
        return obj.clone() if copy else obj
    if copy is False:
        raise ValueError(f"asarray: can't alias tensor with dtype {obj.dtype} into dtype "
                         f"{dtype} (copy=False), shape {tuple(obj.shape)}")
    return obj.to(dtype)


def _asarray_array(obj: Any, dtype: Any, copy: bool | None) -> np.ndarray:
    """The array behind ``asarray`` of anything but a tensor: ``obj`` itself (an ndarray or
    a buffer) when it can be shared and ``copy`` allows, else a new array."""
    if isinstance(obj, np.generic):
        if copy is False:
            raise RuntimeError(f"asarray: can't alias NumPy scalars (got {obj!r}). Either "
                               f"remove copy=False or transform it in a ndarray.")
        obj = np.asarray(obj)
    elif not isinstance(obj, np.ndarray):
        try:
            obj = np.frombuffer(obj, get_default_dtype() if dtype is None else dtype)
        except TypeError:  # not a buffer: numbers and sequences, read as tensor() does
            if copy is False:
                raise ValueError(f"asarray: can't alias arbitrary sequence into a tensor "
                                 f"(got {type(obj).__name__}, copy=False).") from None
            if obj is None:
                raise RuntimeError("asarray: Could not infer dtype of NoneType") from None
            if isinstance(obj, str):
                raise TypeError(f"asarray: can't read a tensor from the str {obj!r}") from None
            return new_array(obj, dtype)
    if dtype is not None and np.dtype(dtype) != obj.dtype:
        if copy is False:
            raise ValueError(f"asarray: can't alias an array of dtype {obj.dtype} into "
                             f"dtype {np.dtype(dtype)} (copy=False), shape {obj.shape}")
        return obj.astype(dtype)
    return obj.copy() if copy else obj


def empty_strided(size: Sequence[int], stride: Sequence[int], *, dtype: Any = None,
                  layout: Any = None, device: Any = None, requires_grad: bool = False,
                  pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor of shape ``size`` whose elements lie ``stride`` elements
    apart in memory, along each dim (``stride()`` reports them; a stride of 0 makes
    elements share memory, which in-place arithmetic then refuses, as in PyTorch).

    ``layout`` must be None or ``strided`` (the only one); ``pin_memory`` is accepted
    for PyTorch's signature.
    """
    for name, value, position in (("size", size, 1), ("stride", stride, 2)):
        if not isinstance(value, (tuple, list)):
            raise TypeError(f"empty_strided(): argument '{name}' (position {position}) must "
                            f"be tuple of ints, not {type(value).__name__}")
    shape = size_arg("empty_strided", (tuple(size),))
    steps = int_tuple("empty_strided", stride, "stride")
    if len(shape) != len(steps):
        raise RuntimeError(f"empty_strided: dimensionality of sizes ({len(shape)}) must match "
                           f"dimensionality of strides ({len(steps)}): sizes {list(shape)}, "
                           f"strides {list(steps)}")
    if any(step < 0 for step in steps):
        raise RuntimeError(f"empty_strided: Storage size calculation overflowed with sizes="
                           f"{list(shape)} and strides={list(steps)}")
    check_layout(layout, "empty_strided")
    dtype = _float(dtype, "empty_strided")
    extent = 0 if 0 in shape else 1 + sum((n - 1) * step for n, step in zip(shape, steps))
    storage = np.empty(extent, dtype)
    array = alias(storage, shape, tuple(step * dtype.itemsize for step in steps))
    return _make(array, requires_grad, device, "empty_strided")


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """Wrap ``ndarray`` without copying: writes to either show in the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(ndarray).__name__})")
    return _as_operand(ndarray, "from_numpy")  # refuses strings, objects, complex


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a minigrad Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """Whether ``input`` has a floating point dtype."""
    return input.is_floating_point()


def numel(input: Tensor) -> int:
    """The number of elements of ``input``."""
    return input.numel()


def _make(array: np.ndarray, requires_grad: bool, device: Any, op: str) -> Tensor:
    check_device(device, op)
    t = wrap(array)
    t.requires_grad = requires_grad
    return t


def _shape(op: str, sizes: tuple, size: Any) -> tuple[int, ...]:
    """The shape from ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``, checked as PyTorch
    checks it (ints, none negative)."""
    return size_arg(op, (sizes_arg(op, "size", sizes, size),))


def _float(dtype: Any, op: str) -> np.dtype:
    """``op``'s checked ``dtype`` argument, the default float dtype if None."""
    dtype = dtype_arg(op, dtype)
    return get_default_dtype() if dtype is None else dtype


@layout_keywords
@takes_out("dtype", resize_warns=False)
def zeros(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of the given shape (float32 by default)."""
    array = np.zeros(_shape("zeros", sizes, size), _float(dtype, "zeros"))
    return _make(array, requires_grad, device, "zeros")


@layout_keywords
@takes_out("dtype", resize_warns=False)
def ones(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ones of the given shape (float32 by default)."""
    array = np.ones(_shape("ones", sizes, size), _float(dtype, "ones"))
    return _make(array, requires_grad, device, "ones")


@layout_keywords
@takes_out("dtype", resize_warns=False)
def empty(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape whose values are not initialised (any numbers at all)."""
    array = np.empty(_shape("empty", sizes, size), _float(dtype, "empty"))
    return _make(array, requires_grad, device, "empty")


@layout_keywords
@takes_out("dtype", resize_warns=False)
def full(size: Sequence[int], fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value when not given."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full: argument 'size' must be a tuple of ints, not "
                        f"{type(size).__name__}")
    value = fill_array("full", fill_value, dtype_arg("full", dtype))
    shape = size_arg("full", (size,))
    return _make(np.full(shape, value), requires_grad, device, "full")


def _like(op: str, fill: Any, input: Tensor, dtype: Any, device: Any,
          requires_grad: bool) -> Tensor:
    input = unary_input(op, input)
    dtype = dtype_arg(op, dtype)
    dtype = input.dtype if dtype is None else dtype
    return _make(fill(tuple(input.shape), dtype), requires_grad, device, op)


@layout_keywords
def zeros_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Zeros of ``input``'s shape and (unless given) dtype."""
    return _like("zeros_like", np.zeros, input, dtype, device, requires_grad)


@layout_keywords
def ones_like(input: Tensor, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Ones of ``input``'s shape and (unless given) dtype."""
    return _like("ones_like", np.ones, input, dtype, device, requires_grad)


@layout_keywords
def empty_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor of ``input``'s shape and (unless given) dtype."""
    return _like("empty_like", np.empty, input, dtype, device, requires_grad)


@layout_keywords
def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """``fill_value`` in ``input``'s shape and (unless given) dtype."""
    return _like("full_like", lambda shape, dt: np.full(shape, fill_array(
        "full_like", fill_value, dt)), input, dtype, device, requires_grad)


@layout_keywords
def rand_like(input: Tensor, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False, generator: Any = None) -> Tensor:
    """Uniform samples in [0, 1) in ``input``'s shape and (unless given) float dtype."""
    input, dtype = _like_args("rand_like", input, dtype)
    return rand(size=tuple(input.shape), dtype=dtype, device=device,
                requires_grad=requires_grad, generator=generator)


def _like_args(op: str, input: Any, dtype: Any) -> tuple[Tensor, np.dtype]:
    """The checked ``input`` of a ``*_like`` factory, and its dtype unless ``dtype``."""
    input, dtype = unary_input(op, input), dtype_arg(op, dtype)
    return input, input.dtype if dtype is None else dtype


@layout_keywords
def randint_like(input: Tensor, low: int = 0, high: int | None = None, *,
                 generator: Any = None, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
    """Random integers in ``[low, high)`` in ``input``'s shape and (unless given) dtype;
    ``randint_like(input, high)`` draws from ``[0, high)``."""
    input, dtype = _like_args("randint_like", input, dtype)
    if high is None:
        low, high = 0, low
    for value in (low, high):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"randint_like(): low and high must be ints, got "
                            f"{type(value).__name__}")
    return randint(low, high, tuple(input.shape), generator=generator, dtype=dtype,
                   device=device, requires_grad=requires_grad)


@layout_keywords
def randn_like(input: Tensor, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False, generator: Any = None) -> Tensor:
    """Standard normal samples in ``input``'s shape and (unless given) float dtype."""
    input, dtype = _like_args("randn_like", input, dtype)
    return randn(size=tuple(input.shape), dtype=dtype, device=device,
                 requires_grad=requires_grad, generator=generator)


@layout_keywords
@takes_out("dtype")
def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` up to (not including) ``end`` in steps of ``step``.

    int64 when all three are integers, float32 otherwise (unless ``dtype`` is given). The
    length is ``ceil((end - start) / step)``.
    """
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    for name, value in (("start", start), ("end", end), ("step", step)):
        if not is_number(value):
            raise TypeError(f"arange(): argument '{name}' must be Number, not "
                            f"{type_name(value)}")
    dtype = dtype_arg("arange", dtype)
    if dtype == np.bool_:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if dtype is not None and dtype.kind in "iu":  # PyTorch truncates all three
        start, end, step = (int(v) for v in (start, end, step))
        if step == 0:
            raise ValueError("arange: step must be nonzero")
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if not all(np.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"arange: unsupported range: {start} -> {end}")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: upper bound and lower bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    array = np.arange(start, end, step)
    if dtype is not None:
        array = array.astype(dtype)
    elif array.dtype.kind == "f":
        array = array.astype(get_default_dtype())
    return _make(array, requires_grad, device, "arange")


@layout_keywords
@takes_out("dtype", resize_warns=False)
def linspace(start: Any, end: Any, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    float32 values are PyTorch's to the bit and float64 ones nearly always (see `minigrad.spacing`);
    other dtypes are computed in float64 and rounded once.
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"linspace(): argument 'steps' must be int, not "
                        f"{type(steps).__name__}")
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    dtype = _no_bool("linspace_cpu", _float(dtype, "linspace"))
    if dtype in (np.float32, np.float64) and steps > 1:
        array = spacing.linspace_values(start, end, int(steps), dtype)
    else:
        array = np.linspace(float(start), float(end), int(steps))
    if dtype.kind in "iu":
        array = np.trunc(array)
    return _make(array.astype(dtype), requires_grad, device, "linspace")


@layout_keywords
@takes_out("dtype", resize_warns=False)
def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    """``base ** linspace(start, end, steps)``."""
    exponents = array_of(linspace(start, end, steps, dtype=np.float64))
    with np.errstate(over="ignore"):  # too large for the dtype: inf, as in PyTorch
        array = np.power(float(base), exponents).astype(
            _no_bool("logspace_cpu", _float(dtype, "logspace")))
    return _make(array, requires_grad, device, "logspace")


@layout_keywords
@takes_out("dtype", resize_warns=False)
def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    """The identity matrix (n x m)."""
    n, m = size_arg("eye", (n, n if m is None else m))
    return _make(np.eye(n, m, dtype=_float(dtype, "eye")), requires_grad, device, "eye")


def _no_bool(kernel: str, dtype: Any) -> Any:
    """``dtype``, unless it is bool: PyTorch's ``NotImplementedError`` naming ``kernel``."""
    if dtype == np.bool_:
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    return dtype


def _random_float(op: str, dtype: Any) -> np.dtype:
    dtype = _float(dtype, op)
    if dtype.kind != "f":
        raise NotImplementedError(f"{op}: random floats need a floating point dtype, got "
                                  f"{dtype}")  # PyTorch has no kernel for it
    return dtype


@layout_keywords
@takes_out("dtype", resize_warns=False)
def rand(*sizes: Any, size: Any = None, generator: Any = None, dtype: Any = None,
         device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from ``generator`` (the seeded default one if None)."""
    dtype = _random_float("rand", dtype)
    rng = random.numpy_generator(generator, "rand")
    array = rng.random(_shape("rand", sizes, size), dtype=np.float64)
    return _make(array.astype(dtype), requires_grad, device, "rand")


@layout_keywords
@takes_out("dtype", resize_warns=False)
def randn(*sizes: Any, size: Any = None, generator: Any = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples from ``generator`` (the seeded default one if None)."""
    dtype = _random_float("randn", dtype)
    array = random.numpy_generator(generator, "randn").standard_normal(_shape("randn", sizes, size))
    return _make(array.astype(dtype), requires_grad, device, "randn")


@layout_keywords
@takes_out("dtype", resize_warns=False, autograd="none")
def randint(low: int, high: Any = None, size: Sequence[int] | None = None, *,
            generator: Any = None, dtype: Any = np.int64, device: Any = None,
            requires_grad: bool = False) -> Tensor:
    """Random integers in ``[low, high)``; ``randint(high, size)`` draws from ``[0, high)``."""
    if high is None or (size is None and not isinstance(high, (int, np.integer))):
        low, high, size = 0, low, (size if high is None else high)  # randint(high, size)
    low, high = int_arg("randint", low, "low"), int_arg("randint", high, "high")
    if size is None:
        raise TypeError('randint() missing 1 required positional arguments: "size" (a tuple '
                        'of ints)')
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not "
                        f"{type_name(size)}")
    shape, dtype = size_arg("randint", (tuple(size),)), dtype_arg("randint", dtype)
    top = 1 if dtype == np.bool_ else np.iinfo(dtype).max if dtype.kind in "iu" else None
    if top is not None and high - 1 > top:
        raise RuntimeError(f"randint: to - 1 is out of bounds for {dtype} (to={high})")
    if low >= high:
        raise RuntimeError(f"randint: random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    rng = random.numpy_generator(generator, "randint")
    array = rng.integers(low, high, size=shape, dtype=np.int64)
    return _make(array.astype(dtype), requires_grad, device, "randint")


@layout_keywords
@takes_out("dtype", resize_warns=False, autograd="none")
def randperm(n: int, *, generator: Any = None, dtype: Any = np.int64, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of ``0 .. n-1``."""
    n, dtype = int_arg("randperm", n, "n"), _no_bool("randperm", dtype_arg("randperm", dtype))
    if n < 0:
        raise RuntimeError(f"randperm: Trying to create tensor with negative dimension {n}: "
                           f"[{n}]")
    array = random.numpy_generator(generator, "randperm").permutation(n)
    return _make(array.astype(dtype), requires_grad, device, "randperm")
