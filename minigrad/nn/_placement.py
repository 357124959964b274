"""Where a module's tensors live, and their dtype: minigrad runs on the CPU only.

PyTorch programs pass ``device=`` to layers and call ``model.to(device)``; these helpers
accept the CPU in any of its spellings (``'cpu'``, ``'cpu:0'``, a device object whose
``type`` is ``'cpu'``) and raise a clear error for any other device.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import type_objects
from ..dtypes import is_dtype
from ..internal import array_of, replace_array
from ..tensor import Tensor

if TYPE_CHECKING:  # module.py builds Module on Placement
    from .module import Module

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


class Placement:
    """`Module`'s methods that move or cast all of its tensors: ``to``, ``type``,
    ``float``, ``double``, ``half``, ``cpu``, ``cuda`` and ``share_memory``."""

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """Move to a device and/or cast to a dtype, in place, as PyTorch's ``Module.to``.

        Accepts ``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(tensor)`` and
        the keywords ``device=``, ``dtype=``, ``non_blocking=``, ``memory_format=`` (which
        lays out the 4-D and 5-D parameters and buffers so). The device must be the
        CPU (``'cpu'``, ``'cpu:0'`` or a device object of type ``'cpu'``), the only one
        minigrad has. A floating point dtype casts every floating point parameter and
        buffer (and gradient); the Parameter objects stay the same, so an optimizer made
        earlier still sees them.
        """
        dtype = read_to_args(args, kwargs, "Module.to")
        if kwargs.get("memory_format") is not None:
            self._lay_out(kwargs["memory_format"])
        if dtype is None:
            return self
        if dtype.kind != "f":
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got "
                            f"desired dtype={dtype}")
        return self._cast_tensors(dtype, floating_only=True)

    def type(self, dst_type: Any) -> "Module":
        """Cast every parameter and buffer (integer ones too, unlike `to`) to ``dst_type``:
        a dtype or a type name such as ``'torch.DoubleTensor'``."""
        if isinstance(dst_type, str):
            dst_type = Tensor(0).type(dst_type).dtype
        return self._cast_tensors(np.dtype(getattr(dst_type, "dtype", dst_type)),
                                  floating_only=False)

    def half(self) -> "Module":
        """Cast floating point parameters and buffers to float16 (see `to`)."""
        return self.to(np.float16)

    def share_memory(self) -> "Module":
        """The module itself: minigrad's data loader workers share this process."""
        return self

    def _lay_out(self, fmt: Any) -> None:
        fmt = type_objects.check_format(fmt, "Module.to")
        for module in self.modules():
            for tensor in list(module._parameters.values()) + list(module._buffers.values()):
                if tensor is not None and tensor.ndim in (4, 5) and \
                        not type_objects.is_contiguous_as(array_of(tensor), fmt):
                    replace_array(tensor, type_objects.laid_out(array_of(tensor), fmt,
                                                                "Module.to"))

    def _cast_tensors(self, dtype: np.dtype, floating_only: bool) -> "Module":
        for module in self.modules():
            for tensor in list(module._parameters.values()) + list(module._buffers.values()):
                if tensor is not None and (tensor.is_floating_point() or not floating_only):
                    _cast(tensor, dtype)
                    if tensor.grad is not None:
                        _cast(tensor.grad, dtype)
        return self

    def cpu(self) -> "Module":
        """Everything is on the CPU already: return the module."""
        return self

    def cuda(self, device: Any = None) -> "Module":
        """minigrad has no GPU: always raises RuntimeError."""
        check_device("cuda" if device is None else device, "Module.cuda")
        return self

    def float(self) -> "Module":
        """Cast floating point parameters and buffers to float32 (see `to`)."""
        return self.to(np.float32)

    def double(self) -> "Module":
        """Cast floating point parameters and buffers to float64 (see `to`)."""
        return self.to(np.float64)


def _cast(tensor: Tensor, dtype: np.dtype) -> None:
    if tensor.dtype != dtype:
        replace_array(tensor, array_of(tensor).astype(dtype))
