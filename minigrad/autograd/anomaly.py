"""Anomaly detection: ``detect_anomaly`` and ``set_detect_anomaly``, as in PyTorch.

While it is on, every backward rule's results are checked, and a rule that returns NaN
raises a RuntimeError naming its node (``Function 'DivBackward0' returned nan values in
its 0th output.``), so the first operation whose gradient went wrong is found instead of
a NaN in ``.grad``. The engine asks `checking_nan` after each rule (one flag test while
anomaly detection is off). Unlike PyTorch, the forward's stack trace is not recorded.
"""
from __future__ import annotations

import functools
import warnings
from typing import Any, Callable

import numpy as np

_state = {"enabled": False, "check_nan": True}


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on."""
    return _state["enabled"]


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection checks backward results for NaN."""
    return _state["check_nan"]


def checking_nan() -> bool:
    """Whether the engine should check each backward rule's results for NaN."""
    return _state["enabled"] and _state["check_nan"]


def check_nan(node: Any, grads: tuple) -> None:
    """Raise PyTorch's error if one of ``node``'s gradients (arrays or tensors) has a NaN."""
    for i, g in enumerate(grads):
        if g is not None and np.isnan(g.numpy() if hasattr(g, "numpy") else g).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                               f"output.")


class _AnomalyMode:
    """A context manager (and decorator) that sets anomaly detection and restores it."""

    def __init__(self, mode: bool, check_nan: bool) -> None:
        self._mode = (bool(mode), bool(check_nan))

    def __enter__(self) -> None:
        self._previous = (_state["enabled"], _state["check_nan"])
        _state["enabled"], _state["check_nan"] = self._mode

    def __exit__(self, *exc: Any) -> None:
        _state["enabled"], _state["check_nan"] = self._previous

    def __call__(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)
        return wrapper


class detect_anomaly(_AnomalyMode):
    """Turn anomaly detection on inside the block (warns that it is slow, as PyTorch)."""

    def __init__(self, check_nan: bool = True) -> None:
        super().__init__(True, check_nan)

    def __enter__(self) -> None:
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the "
                      "runtime and should only be enabled for debugging.", stacklevel=2)
        super().__enter__()


class set_detect_anomaly(_AnomalyMode):
    """Turn anomaly detection on or off: at once when called, and back when used as a
    context manager and left."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        super().__init__(mode, check_nan)
        self._previous = (_state["enabled"], _state["check_nan"])
        _state["enabled"], _state["check_nan"] = self._mode

    def __enter__(self) -> None:
        pass
