"""Two factories of PyTorch's beside those of ``creation``: ``frombuffer``, a tensor over
memory that another object owns (``bytearray``, ``array.array``, ``mmap``, ...), and
``scalar_tensor``, a 0-d float tensor of a number.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .creation import _float, _make
from .tensor_args import fill_array
from .dtypes import is_number
from .tensor import Tensor


def frombuffer(buffer: Any, *, dtype: Any, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:
    """A 1-d tensor over ``count`` elements of ``dtype`` (all of them if -1) in ``buffer``
    (any object with the buffer protocol) from byte ``offset`` on, sharing its memory.

    As PyTorch, a read-only buffer (``bytes``) warns (UserWarning); unlike PyTorch, the
    tensor is then read-only too. Impossible sizes and offsets raise ValueError.
    """
    try:
        raw = np.frombuffer(buffer, np.uint8)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    size, length = _float(dtype, "frombuffer").itemsize, len(raw)
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0 and (length - offset) % size:
        raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                         f"bytes) must be a multiple of element size ({size})")
    if count > 0 and count * size > length - offset:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    if not raw.flags.writeable:
        warnings.warn("frombuffer: the given buffer is not writable, and minigrad does not "
                      "copy it: the tensor is read-only. Copy the buffer or make it writable "
                      "first.", UserWarning, stacklevel=2)
    array = np.frombuffer(buffer, _float(dtype, "frombuffer"), count, offset)
    return _make(array, requires_grad, None, "frombuffer")


def scalar_tensor(s: Any, *, dtype: Any = None, layout: Any = None, device: Any = None,
                  pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """A 0-d tensor of the number ``s`` (or 0-d tensor) in ``dtype``, the default float
    dtype if None (for ints and bools too)."""
    if isinstance(s, Tensor) and s.ndim == 0:
        s = s.item()
    if not is_number(s):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not "
                        f"{type(s).__name__}")
    value = fill_array("scalar_tensor", s, _float(dtype, "scalar_tensor"))
    return _make(np.array(value), requires_grad, device, "scalar_tensor")
