"""Process-wide switches that PyTorch programs set, and what they mean here.

minigrad computes on NumPy on the CPU: every operation is deterministic (for a given
number of threads, see threads.py) and float32 matrix products are always computed in
float32. The switches are kept and reported, and their arguments checked as PyTorch
checks them, so that programs which set them run unchanged.
"""
from __future__ import annotations

import warnings
from typing import Any

_PRECISIONS = ("highest", "high", "medium")
_state = {"deterministic": False, "warn_only": False, "matmul_precision": "highest",
          "warn_always": False, "tensor_type_warned": False}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Record whether the program asks for deterministic algorithms.

    minigrad's operations are deterministic either way; `are_deterministic_algorithms_enabled`
    reports the request.

    Parameters
    ----------
    mode : bool
    warn_only : bool, optional

    Raises
    ------
    TypeError
        If ``mode`` or ``warn_only`` is not a bool, as in PyTorch.
    """
    for name, value in (("mode", mode), ("warn_only", warn_only)):
        if not isinstance(value, bool):
            raise TypeError(f"use_deterministic_algorithms(): argument '{name}' must be bool, "
                            f"not {type(value).__name__}")
    _state["deterministic"], _state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    """Whether `use_deterministic_algorithms` was last called with True."""
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether `use_deterministic_algorithms` was last called with ``warn_only=True``."""
    return _state["warn_only"]


def set_float32_matmul_precision(precision: Any) -> None:
    """Record the precision asked for float32 matrix products ("highest", "high" or
    "medium"); minigrad's products are always full float32 ("highest").

    Raises
    ------
    RuntimeError
        If ``precision`` is not a str, as in PyTorch. Another string is ignored with a
        warning, as in PyTorch.
    """
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got "
                           f"{type(precision).__name__}")
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the "
                      f"set_float32_matmul_precision call has no effect.", UserWarning,
                      stacklevel=2)
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    """The precision last set by `set_float32_matmul_precision` ("highest" by default)."""
    return _state["matmul_precision"]


def _require_bool(value: Any, what: str) -> None:
    if not isinstance(value, bool):
        raise RuntimeError(f"{what} expects a bool, but got {type(value).__name__}")


def set_warn_always(b: bool) -> None:
    """Make the warnings that minigrad gives once per process (``set_default_tensor_type``'s
    deprecation) be given on every call, as ``torch.set_warn_always``.

    Raises
    ------
    RuntimeError
        If ``b`` is not a bool, as in PyTorch.
    """
    _require_bool(b, "set_warn_always")
    _state["warn_always"] = b


def is_warn_always_enabled() -> bool:
    """Whether `set_warn_always` was last called with True (False by default)."""
    return _state["warn_always"]


def set_flush_denormal(mode: bool) -> bool:
    """Asks to flush denormal floats to zero; returns whether that is supported.

    minigrad computes with NumPy, which gives no way to set the CPU's flush-to-zero
    flags, so this always returns False and changes nothing (PyTorch returns True on CPUs
    with SSE3, and then really flushes).

    Raises
    ------
    RuntimeError
        If ``mode`` is not a bool, as in PyTorch.
    """
    _require_bool(mode, "set_flush_denormal")
    return False


def set_default_tensor_type(t: Any) -> None:
    """Make the floating point type ``t`` the default, as the deprecated
    ``torch.set_default_tensor_type``: ``t`` is a legacy type (``minigrad.DoubleTensor``)
    or its name (``'torch.DoubleTensor'`` or ``'minigrad.DoubleTensor'``), and only its
    dtype matters (see `minigrad.set_default_dtype`).

    Warns (``UserWarning``, once per process unless `set_warn_always`) that
    ``set_default_dtype`` is the function to use.

    Raises
    ------
    TypeError
        For an integer or bool type, or something that is not a tensor type.
    AttributeError
        For a name that is not one of the legacy types.
    """
    from . import tensor_types
    from .dtypes import set_default_dtype
    if _state["warn_always"] or not _state["tensor_type_warned"]:
        _state["tensor_type_warned"] = True
        warnings.warn("set_default_tensor_type() is deprecated (as in PyTorch 2.1); use "
                      "set_default_dtype() instead.", UserWarning, stacklevel=2)
    if isinstance(t, str):
        name = t.rpartition(".")[2]
        t = getattr(tensor_types, name, None)
        if not isinstance(t, tensor_types._TensorType):
            raise AttributeError(f"set_default_tensor_type: there is no tensor type {name!r}")
    if not isinstance(t, tensor_types._TensorType) or t.dtype.kind != "f":
        raise TypeError("set_default_tensor_type: invalid type object: only floating-point "
                        "types are supported as the default type")
    set_default_dtype(t.dtype)
