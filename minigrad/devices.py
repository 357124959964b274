"""Devices: minigrad computes on the CPU, and says so clearly when asked for anything else.

``minigrad.device("cpu")`` and every ``device=`` argument accept what PyTorch accepts, so
the usual boilerplate (``device = "cuda" if minigrad.cuda.is_available() else "cpu"``,
``x.to(device)``, ``model.to(device)``) runs unchanged. A device of another type can be
named (``minigrad.device("cuda")`` is a valid object, as in PyTorch), but putting a tensor
there raises `DeviceUnavailableError`.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

# The device types PyTorch knows; naming any of them is fine, using one other than cpu is not.
KNOWN_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip",
               "ve", "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
               "privateuseone")


class DeviceUnavailableError(RuntimeError, AssertionError):
    """Raised when a tensor is asked to live on a device other than the CPU.

    It is a ``RuntimeError``; it is also an ``AssertionError`` because that is what a
    CPU-only PyTorch raises for ``.cuda()`` ("Torch not compiled with CUDA enabled"), so a
    program catching either keeps working.
    """


class device:  # noqa: N801  (named as torch.device)
    """Where a tensor lives: a type (``"cpu"``) and an optional index.

    Parameters
    ----------
    type : str or device
        ``"cpu"``, ``"cpu:0"``, ``"cuda"``, ``"cuda:1"``, ... or another device.
    index : int, optional
        The device index, when not given in the string.

    Examples
    --------
    >>> minigrad.device("cpu")
    device(type='cpu')
    >>> str(minigrad.device("cpu", 0))
    'cpu:0'
    """

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif isinstance(type, (int, np.integer)) and not isinstance(type, bool):
            raise DeviceUnavailableError(
                f"device: {type} is an accelerator index, but minigrad has no accelerator "
                "(minigrad.accelerator.is_available() is False); use 'cpu'")
        elif not isinstance(type, str):
            raise TypeError(f"device: expected a string or a device, got "
                            f"{builtins.type(type).__name__}")
        else:
            type, index = _parse(type, index)
        self.type: str = type
        self.index: int | None = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self) -> tuple:
        return device, (self.type, self.index)



def _parse(text: str, index: int | None) -> tuple[str, int | None]:
    if not text:
        raise RuntimeError("device: the device string must not be empty")
    name, sep, number = text.partition(":")
    if name not in KNOWN_TYPES:
        raise RuntimeError(f"device: expected one of {', '.join(KNOWN_TYPES)} device type at "
                           f"start of device string: {text}")
    if sep:
        if index is not None:
            raise RuntimeError(f"device: type (string) must not include an index because "
                               f"index was passed explicitly: {text}")
        if not number.isdigit():
            raise RuntimeError(f"device: invalid device string: '{text}'")
        index = int(number)
    if index is not None and index < 0:
        raise RuntimeError(f"device: device index must not be negative, got {index}")
    return name, index


CPU = device("cpu")


def check_device(where: Any, op: str) -> device:
    """The device named by ``where`` (None means the CPU), which must be the CPU.

    Raises
    ------
    DeviceUnavailableError
        For any device that is not the CPU; the message names ``op`` and the device.
    """
    if where is None:
        return CPU
    d = where if isinstance(where, device) else device(where)
    if d.type != "cpu":
        raise DeviceUnavailableError(
            f"{op}: minigrad runs on the CPU only, so a tensor cannot be put on device "
            f"'{d}' (minigrad.cuda.is_available() and minigrad.accelerator.is_available() "
            "are False); use 'cpu'")
    return d


def to_arguments(args: tuple, kwargs: dict, op: str = "to") -> tuple[Any, bool]:
    """Read the arguments of ``Tensor.to`` / ``Module.to`` as PyTorch does.

    Accepted forms: ``to(device, dtype=None, non_blocking=False, copy=False)``,
    ``to(dtype, non_blocking=False, copy=False)``, ``to(tensor, non_blocking=False,
    copy=False)``, and the same with keywords (``memory_format`` is left to the caller).
    The device is checked (it must be the CPU).

    Returns
    -------
    dtype : numpy.dtype or None
        The dtype asked for, or None to keep the current one.
    copy : bool
        Whether a copy was asked for even when nothing changes.
    """
    from .tensor import Tensor  # devices is imported by tensor.py

    unknown = set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}
    if unknown:
        raise TypeError(f"{op}: unexpected keyword argument(s) {sorted(unknown)}; expected "
                        "device, dtype, non_blocking, copy, memory_format")
    args = list(args)
    where, dtype = kwargs.get("device"), kwargs.get("dtype")
    if args and isinstance(args[0], Tensor):
        other = args.pop(0)
        where, dtype = other.device, other.dtype
    elif args and (isinstance(args[0], (str, device)) or _is_index(args[0])):
        where = args.pop(0)
        if args and not isinstance(args[0], bool):
            dtype = args.pop(0)
    elif args and args[0] is not None and not isinstance(args[0], bool):
        dtype = args.pop(0)
    flags = dict(zip(("non_blocking", "copy"), args))
    if len(args) > 2 or set(flags) & set(kwargs) or \
            any(not isinstance(a, (bool, np.bool_)) for a in args):
        raise TypeError(f"{op}: invalid combination of arguments {tuple(args)}; expected "
                        "(device, dtype), (dtype) or (tensor), then non_blocking and copy")
    check_device(where, op)
    return (None if dtype is None else _dtype(dtype, op)), bool(kwargs.get("copy",
                                                                        flags.get("copy")))


def _is_index(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _dtype(value: Any, op: str) -> np.dtype:
    from .dtypes import dtype_arg
    return dtype_arg(op, value)


def get_default_device() -> device:
    """``device(type='cpu')``: where factories put new tensors."""
    return CPU


def set_default_device(device: Any) -> None:
    """Accept the CPU (or None) as the default device; any other device raises."""
    check_device(device, "set_default_device")


def get_device(input: Any) -> int:  # noqa: A002  (PyTorch's argument name)
    """The device index of ``input``'s device: -1, PyTorch's answer for the CPU.

    Parameters
    ----------
    input : Tensor
        Anything else raises ``TypeError``, as in PyTorch.
    """
    from .tensor import Tensor  # devices is imported by tensor.py

    if not isinstance(input, Tensor):
        raise TypeError(f"get_device(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input.get_device()
