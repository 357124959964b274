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
_state = {"deterministic": False, "warn_only": False, "matmul_precision": "highest"}


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
