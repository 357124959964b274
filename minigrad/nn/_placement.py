"""Where a module's tensors live: minigrad runs on the CPU only.

PyTorch programs pass ``device=`` to layers and call ``model.to(device)``; these helpers
accept the CPU in any of its spellings (``'cpu'``, ``'cpu:0'``, a device object whose
``type`` is ``'cpu'``) and raise a clear error for any other device.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor

_KNOWN = ("cuda", "mps", "xpu", "meta", "hip", "xla", "mtia", "hpu", "ipu", "privateuseone")


def check_device(device: Any, op: str) -> None:
    """Accept None or the CPU; raise for another device (RuntimeError, as PyTorch does
    for a device it was not built with)."""
    if device is None:
        return
    if isinstance(device, int) and not isinstance(device, bool):
        name = "cuda"  # PyTorch reads a bare index as a CUDA device
    else:
        name = str(getattr(device, "type", device))
    kind = name.split(":")[0]
    if kind == "cpu":
        return
    if kind in _KNOWN:
        raise RuntimeError(f"{op}: minigrad runs on the CPU only; device {name!r} is not "
                           f"available (use 'cpu')")
    raise RuntimeError(f"{op}: invalid device string: {name!r}")


def is_dtype(value: Any) -> bool:
    """Whether ``value`` names a NumPy dtype (``minigrad.float32``, ``np.float64``, ...)."""
    if isinstance(value, (np.dtype, type)):
        try:
            np.dtype(value)
        except TypeError:
            return False
        return True
    return False


def read_to_args(args: tuple, kwargs: dict, op: str) -> np.dtype | None:
    """The dtype asked for by ``to(device)``, ``to(dtype)``, ``to(device, dtype)``,
    ``to(tensor)`` or their keyword forms (``non_blocking``, ``copy`` and
    ``memory_format`` are accepted and ignored); the device must be the CPU."""
    unknown = set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}
    if unknown:
        raise TypeError(f"{op}() got an unexpected keyword argument {sorted(unknown)[0]!r}")
    if len(args) > 2 or (len(args) == 2 and isinstance(args[0], Tensor)):
        raise TypeError(f"{op}() received an invalid combination of arguments: {args!r}")
    dtype, device = kwargs.get("dtype"), kwargs.get("device")
    for arg in args:
        if isinstance(arg, Tensor):
            dtype, device = arg.dtype, None
        elif is_dtype(arg):
            dtype = arg
        elif isinstance(arg, bool):
            continue  # the positional non_blocking of to(device, dtype, non_blocking)
        else:
            device = arg
    check_device(device, op)
    return None if dtype is None else np.dtype(dtype)
