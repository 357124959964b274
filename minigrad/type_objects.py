"""PyTorch's type objects ``dtype``, ``layout`` and ``memory_format``, and how a memory
format lays an array out.

minigrad's dtypes are NumPy dtype objects, so `dtype` is an abstract class that every
``numpy.dtype`` is registered with: ``isinstance(minigrad.float32, minigrad.dtype)`` holds
and ``minigrad.dtype`` works as a type hint.

A tensor is a NumPy array, and NumPy arrays hold any strides, so the memory formats are
real: ``x.contiguous(memory_format=minigrad.channels_last)`` gives an array whose strides
are PyTorch's NHWC strides, ``(H*W*C, 1, W*C, C)``. The only layout is `strided` (dense);
the sparse layouts are named so that programs can compare with them, and asking a factory
for one raises ``NotImplementedError``.
"""
from __future__ import annotations

import abc
import functools
import inspect
from typing import Any, Callable

import numpy as np

__all__ = ["dtype", "layout", "memory_format", "strided", "sparse_coo", "sparse_csr",
           "sparse_csc", "sparse_bsr", "sparse_bsc", "contiguous_format", "channels_last",
           "channels_last_3d", "preserve_format"]


class dtype(abc.ABC):  # noqa: N801  (PyTorch's name)
    """The type of minigrad's dtypes: every ``numpy.dtype`` is an instance.

    For ``isinstance`` checks and annotations (``def f(d: minigrad.dtype)``); as
    ``torch.dtype``, it cannot be called to make a dtype (use ``numpy.dtype``).
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("cannot create 'minigrad.dtype' instances")


dtype.register(np.dtype)
dtype.__module__ = "minigrad"


class _Named:
    """A named singleton: ``minigrad.strided``, ``minigrad.channels_last``, ..."""

    __slots__ = ("name",)

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"cannot create 'minigrad.{cls.__name__}' instances")

    @classmethod
    def _make(cls, name: str) -> Any:
        value = object.__new__(cls)
        value.name = name
        return value

    def __repr__(self) -> str:
        return f"minigrad.{self.name}"

    def __reduce__(self) -> str:
        return self.name  # pickles and copies as the module-level singleton itself


class layout(_Named):  # noqa: N801  (PyTorch's name)
    """How a tensor's elements are stored. minigrad tensors are dense: ``strided``."""

    __slots__ = ()
    __module__ = "minigrad"


class memory_format(_Named):  # noqa: N801  (PyTorch's name)
    """In which order a tensor's dimensions lie in memory: ``contiguous_format``
    (row-major), ``channels_last`` (NHWC for a 4-D NCHW tensor), ``channels_last_3d``
    (NDHWC for 5-D), or ``preserve_format`` (as the input, where that is an option)."""

    __slots__ = ()
    __module__ = "minigrad"


strided, sparse_coo, sparse_csr, sparse_csc, sparse_bsr, sparse_bsc = (
    layout._make(name) for name in ("strided", "sparse_coo", "sparse_csr", "sparse_csc",
                                    "sparse_bsr", "sparse_bsc"))
contiguous_format, channels_last, channels_last_3d, preserve_format = (
    memory_format._make(name) for name in ("contiguous_format", "channels_last",
                                           "channels_last_3d", "preserve_format"))

# The dims of each channels-last format from the innermost (stride 1) outwards.
_CHANNELS_LAST = {channels_last: (4, "channels_last", (1, 3, 2, 0)),
                  channels_last_3d: (5, "channels_last_3d", (1, 4, 3, 2, 0))}


def check_layout(value: Any, op: str) -> None:
    """Accept None or ``strided``; a sparse layout raises ``NotImplementedError``, anything
    else ``TypeError``."""
    if value is None or value is strided:
        return
    if not isinstance(value, layout):
        raise TypeError(f"{op}(): argument 'layout' must be minigrad.layout, not "
                        f"{type(value).__name__}")
    raise NotImplementedError(f"{op}: layout {value} is not supported; minigrad tensors are "
                              "dense (minigrad.strided)")


def check_format(value: Any, op: str) -> memory_format:
    """``value`` if it is a memory format, else ``TypeError``."""
    if not isinstance(value, memory_format):
        raise TypeError(f"{op}(): argument 'memory_format' must be minigrad.memory_format, "
                        f"not {type(value).__name__}")
    return value


def _order(shape: tuple, fmt: memory_format, op: str) -> tuple[int, ...]:
    """The dims of ``shape`` from the innermost outwards in format ``fmt``."""
    if fmt in _CHANNELS_LAST:
        rank, name, order = _CHANNELS_LAST[fmt]
        if len(shape) != rank:
            raise RuntimeError(f"{op}: required rank {rank} tensor to use {name} format "
                               f"(got shape {tuple(shape)})")
        return order
    return tuple(reversed(range(len(shape))))


def format_strides(shape: tuple, fmt: memory_format, op: str) -> tuple[int, ...]:
    """The strides, in elements, of a dense tensor of ``shape`` in format ``fmt``, as
    PyTorch computes them (a dim of size 0 or 1 counts as 1)."""
    strides, step = [0] * len(shape), 1
    for dim in _order(shape, fmt, op):
        strides[dim] = step
        step *= max(shape[dim], 1)
    return tuple(strides)


def is_contiguous_as(array: np.ndarray, fmt: memory_format) -> bool:
    """Whether ``array`` is dense in format ``fmt`` (dims of size 1 may have any stride);
    ``preserve_format`` counts as ``contiguous_format``, as in PyTorch."""
    if fmt not in _CHANNELS_LAST:
        return bool(array.flags.c_contiguous)
    if array.ndim != _CHANNELS_LAST[fmt][0]:
        return False
    expected = 1
    for dim in _CHANNELS_LAST[fmt][2]:
        size = array.shape[dim]
        if size != 1:
            if array.strides[dim] != expected * array.itemsize:
                return False
            expected *= size
    return True


def laid_out(array: np.ndarray, fmt: memory_format, op: str,
             like: np.ndarray | None = None) -> np.ndarray:
    """A copy of ``array`` in format ``fmt``. ``preserve_format`` keeps the order of the
    dims in memory of ``like`` (``array`` itself if None), packed without gaps."""
    if fmt is preserve_format:
        like = array if like is None else like
        strides = tuple(s // like.itemsize for s in like.strides)
        if not _packed(like.shape, strides):
            strides = dense_strides_like(like.shape, strides)
    else:
        strides = format_strides(array.shape, fmt, op)
    extent = 0 if 0 in array.shape else int(np.prod([max(n, 1) for n in array.shape]))
    out = np.ndarray(array.shape, array.dtype, buffer=np.empty(extent, array.dtype),
                     strides=tuple(s * array.itemsize for s in strides))
    out[...] = array
    return out


def row_major(array: np.ndarray) -> bool:
    """Whether ``array`` has exactly the strides of a packed row-major array (NumPy's
    C-contiguous flag also holds for other strides on dims of size 1)."""
    return array.strides == tuple(s * array.itemsize
                                  for s in format_strides(array.shape, contiguous_format, ""))


def _packed(shape: tuple, strides: tuple) -> bool:
    """Whether strides (in elements) lay the elements out without gaps or overlaps, in
    some order of the dims (a dim of size 1 may have any stride)."""
    expected = 1
    for stride, size in sorted((st, n) for st, n in zip(strides, shape) if n != 1):
        if stride != expected:
            return False
        expected *= size
    return True


def dense_strides_like(shape: tuple, strides: tuple) -> tuple:
    """The strides (in elements) of a packed array whose dims lie in memory in the order
    of an array with ``strides`` (in any unit), as PyTorch's ``preserve_format`` picks
    them: dims are ordered innermost first by stride, a broadcast dim (stride 0) keeps its
    place, and equal strides put the smaller size inside."""
    def inner_first(a: int, b: int) -> int:  # > 0: dim b goes inside dim a
        if strides[a] == 0 or strides[b] == 0:
            return 0
        if strides[a] != strides[b]:
            return 1 if strides[a] > strides[b] else -1
        return 1 if shape[a] > shape[b] else 0

    order = list(range(len(shape)))[::-1]  # innermost first, as row-major
    for i in range(1, len(order)):
        moving = i
        for j in range(i - 1, -1, -1):
            swap = inner_first(order[j], order[moving])
            if swap < 0:
                break
            if swap > 0:
                order[j], order[moving] = order[moving], order[j]
                moving = j
    result, step = [0] * len(shape), 1
    for dim in order:
        result[dim] = step
        step *= max(shape[dim], 1)
    return tuple(result)


def layout_keywords(function: Callable) -> Callable:
    """``function`` (a factory) with PyTorch's keyword ``layout=None`` (strided only), and
    for ``empty`` and the ``*_like`` factories ``memory_format=``: the result is laid out
    in that format. ``preserve_format`` (the default of the ``*_like`` factories) follows
    the order in memory of the input tensor, their first argument."""
    op = function.__name__
    default = contiguous_format if op == "empty" else \
        preserve_format if op.endswith("_like") else None

    @functools.wraps(function)
    def with_layout(*args: Any, layout: Any = None, **kwargs: Any) -> Any:
        check_layout(layout, op)
        if default is None and "memory_format" in kwargs:  # not a keyword here
            raise TypeError(f"{op}() got an unexpected keyword argument 'memory_format'")
        fmt = kwargs.pop("memory_format", None) or default
        if fmt is preserve_format and default is contiguous_format:
            raise RuntimeError(f"{op}: unsupported memory format preserve_format (there is "
                               "no input to preserve the format of)")
        result = function(*args, **kwargs)
        if fmt is None or check_format(fmt, op) is contiguous_format:
            return result  # the factories make row-major arrays
        from .internal import array_of, replace_array  # internal builds on Tensor
        like = array_of(args[0] if args else kwargs["input"]) if fmt is preserve_format \
            else None
        if like is None or not row_major(like):
            replace_array(result, laid_out(array_of(result), fmt, op, like), tracked=False)
        return result

    extra = [inspect.Parameter("layout", inspect.Parameter.KEYWORD_ONLY, default=None)]
    if default is not None:
        extra.append(inspect.Parameter("memory_format", inspect.Parameter.KEYWORD_ONLY,
                                       default=default))
    signature = inspect.signature(function)
    with_layout.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=list(signature.parameters.values()) + extra)
    return with_layout
