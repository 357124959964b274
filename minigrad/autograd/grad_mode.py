"""Grad modes: whether operations record a graph.

``no_grad``, ``enable_grad`` and ``set_grad_enabled`` work both as context managers and as
decorators, as in PyTorch.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

_grad_enabled = True


def is_grad_enabled() -> bool:
    """Return True when operations currently record a graph for backward."""
    return _grad_enabled


def _set_enabled(mode: bool) -> None:
    global _grad_enabled
    _grad_enabled = bool(mode)


class _GradMode:
    """Base for the grad-mode switches: a context manager that is also a decorator."""

    mode: bool = True

    def __enter__(self) -> None:
        self._previous = is_grad_enabled()
        _set_enabled(self.mode)

    def __exit__(self, *exc: Any) -> None:
        _set_enabled(self._previous)

    def __call__(self, func: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = is_grad_enabled()
            _set_enabled(mode)
            try:
                return func(*args, **kwargs)
            finally:
                _set_enabled(previous)

        return wrapper


class no_grad(_GradMode):
    """Disable graph recording: results of operations do not require grad.

    Examples
    --------
    >>> with minigrad.no_grad():
    ...     y = x * 2          # y.requires_grad is False
    """

    mode = False


class inference_mode(_GradMode):
    """PyTorch's inference mode: ``no_grad`` here (PyTorch also marks the tensors made in
    it as inference tensors; minigrad's tensors are all alike). ``inference_mode(False)``
    leaves the grad mode as it is.

    Parameters
    ----------
    mode : bool
        True (the default) turns recording off.
    """

    def __init__(self, mode: bool = True) -> None:
        self.enabled = bool(mode)

    @property
    def mode(self) -> bool:  # type: ignore[override]
        return False if self.enabled else is_grad_enabled()


class enable_grad(_GradMode):
    """Enable graph recording, for example inside a ``no_grad`` block."""

    mode = True


class set_grad_enabled(_GradMode):
    """Set graph recording on or off.

    Parameters
    ----------
    mode : bool
        True records a graph, False does not. The switch happens when the object is
        created, so ``set_grad_enabled(False)`` also works as a plain function call.
    """

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._previous = is_grad_enabled()
        _set_enabled(self.mode)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        _set_enabled(self._previous)

    def __call__(self, func: Callable) -> Callable:
        # Used as a decorator: undo the switch made in __init__, apply it per call.
        _set_enabled(self._previous)
        return super().__call__(func)
