"""``make_tensor``: PyTorch's test-input factory, random values in a dtype's usual range.

The values come from minigrad's generator (``minigrad.manual_seed`` makes them
repeatable), so they are not PyTorch's numbers; the ranges, dtypes, flags and errors are
PyTorch's.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import creation
from ..devices import check_device
from ..dtypes import dtype_arg
from ..internal import array_of, wrap
from ..tensor import Tensor

def make_tensor(*shape: Any, dtype: Any, device: Any, low: float | None = None,
                high: float | None = None, requires_grad: bool = False,
                noncontiguous: bool = False, exclude_zero: bool = False,
                memory_format: Any = None) -> Tensor:
    """A tensor of ``shape`` filled with random values, as ``torch.testing.make_tensor``.

    Floats are uniform in ``[low, high)``, by default ``[-9, 9)``; integers uniform in
    ``[ceil(low), ceil(high))``, by default ``[-9, 9]`` (``[0, 9]`` for uint8); bools
    False or True. ``low`` and ``high`` are clamped to what the dtype can hold.

    Parameters
    ----------
    *shape : int, or one sequence of int
    dtype : minigrad dtype
    device : str or minigrad.device
        Must be the CPU.
    low, high : float, optional
    requires_grad : bool
        Only for floating dtypes.
    noncontiguous : bool
        Return a non-contiguous view (of a buffer twice as wide) when it has 2+ elements.
    exclude_zero : bool
        Replace zeros by the dtype's smallest normal number (1 for integers, True for bool).
    memory_format : minigrad.memory_format, optional
        Lay the result out so (``channels_last`` needs a 4-d shape); not with
        ``noncontiguous``.

    Raises
    ------
    ValueError
        For NaN bounds, ``low >= high`` (``low > high`` for floats), an interval outside
        bool's [0, 2), ``requires_grad`` with a non-float dtype, or both ``noncontiguous``
        and ``memory_format``.
    """
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = tuple(shape[0])
    dtype = dtype_arg("make_tensor", dtype)
    check_device(device, "make_tensor")
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually "
                         f"exclusive, but got noncontiguous={noncontiguous} and "
                         f"memory_format={memory_format}")
    if requires_grad and dtype.kind != "f":
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral "
                         f"dtypes, but got dtype=minigrad.{dtype}")
    array = _values(tuple(shape), dtype, low, high)
    if exclude_zero:
        array[array == 0] = np.finfo(dtype).tiny if dtype.kind == "f" else 1
    if noncontiguous and array.size > 1:
        wide = np.empty(array.shape[:-1] + (2 * array.shape[-1],), dtype)
        wide[..., 1::2] = array
        array = wide[..., 1::2]
    result = wrap(array)
    if memory_format is not None:
        result = wrap(array_of(result.clone(memory_format=memory_format)))
    if requires_grad:
        result.requires_grad_(True)
    return result


def _values(shape: tuple, dtype: np.dtype, low: float | None, high: float | None
            ) -> np.ndarray:
    floating = dtype.kind == "f"
    if dtype.kind == "b":
        supported, default = (0, 2), (0, 2)
    elif floating:
        supported, default = (float(np.finfo(dtype).min), float(np.finfo(dtype).max)), (-9, 9)
    else:
        info = np.iinfo(dtype)
        supported, default = (int(info.min), int(info.max) + 1), (-9, 10)
    low = default[0] if low is None else low
    high = default[1] if high is None else high
    if math.isnan(low) or math.isnan(high):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if low > high or (low == high and not floating):
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    if low == high:  # (a float: an integer one was refused above)
        warnings.warn("Passing `low==high` to `make_tensor` for floating types is deprecated "
                      "(as in PyTorch); use `minigrad.full(...)` instead.", FutureWarning,
                      stacklevel=3)
        return np.full(shape, min(max(low, supported[0]), supported[1]), dtype)
    if high < supported[0] or low > supported[1]:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                         f"but minigrad.{_name(dtype)} only supports [{supported[0]}, "
                         f"{supported[1]})")
    low, high = max(low, supported[0]), min(high, supported[1])
    if floating:
        uniform = array_of(creation.rand(shape, dtype=np.float64))
        values = (low + (high - low) * uniform).astype(dtype)
        return np.minimum(values, np.asarray(high, dtype))  # (no rounding up to inf)
    low, high = math.ceil(low), math.ceil(high)
    return array_of(creation.randint(low, high, shape, dtype=np.int64)).astype(dtype)


def _name(dtype: np.dtype) -> str:
    return "bool" if dtype.kind == "b" else str(dtype)
