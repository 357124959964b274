"""``minigrad.autograd.graph``: hooks on the tensors a node saves for backward.

Inside ``with saved_tensors_hooks(pack_hook, unpack_hook):`` every tensor that an
operation saves for backward is handed to ``pack_hook`` when it is saved, and the node
keeps whatever that returns instead of the tensor. When backward needs the tensor, the
node calls ``unpack_hook`` on what it kept; the tensor that comes back takes the place of
the saved one in the graph. Contexts nest (the innermost wins), and a node keeps the
hooks it was saved with, so they still run after the context has exited.

The machinery is small: this module keeps a stack of active (pack, unpack) pairs, and
``saved.py`` asks `current_hooks` for the top one each time a node saves a value.
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

from ..tensor import Tensor

__all__ = ["saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks"]

_stack: list[tuple[Callable, Callable]] = []  # the active (pack_hook, unpack_hook) pairs
_disabled: list[str] = []                     # error messages of disable_saved_tensors_hooks


def current_hooks() -> tuple[Callable, Callable] | None:
    """The (pack_hook, unpack_hook) pair a value saved now is given, or None."""
    return _stack[-1] if _stack else None


class saved_tensors_hooks:
    """Context manager: pack each tensor saved for backward, and unpack it at backward.

    Parameters
    ----------
    pack_hook : callable
        Called as ``pack_hook(tensor)`` when an operation saves ``tensor`` (an input, an
        output, or an intermediate array as a tensor); it must not modify ``tensor`` in
        place. Whatever it returns is kept by the node.
    unpack_hook : callable
        Called as ``unpack_hook(packed)`` each time backward reads the saved value; it must
        return a Tensor, whose values are used in place of the saved tensor's. The result
        stays connected to the graph where the saved tensor was (so double backward works).

    Examples
    --------
    >>> x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    >>> with saved_tensors_hooks(lambda t: t.detach().clone(), lambda t: t):
    ...     y = (x * x).sum()     # mul saves x twice, each through pack_hook
    >>> y.backward()
    """

    def __init__(self, pack_hook: Callable[[Tensor], Any],
                 unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self) -> None:
        if _disabled:
            raise RuntimeError(_disabled[-1])
        for name, hook in (("pack_hook", self.pack_hook), ("unpack_hook", self.unpack_hook)):
            if not callable(hook):
                raise TypeError(f"saved_tensors_hooks: {name} must be callable, got "
                                f"{type(hook).__name__}")
        _stack.append((self.pack_hook, self.unpack_hook))

    def __exit__(self, *exc: Any) -> None:
        _stack.pop()


class save_on_cpu(saved_tensors_hooks):
    """Context manager: keep saved tensors in CPU memory, as PyTorch's ``save_on_cpu``.

    minigrad's tensors already live on the CPU, so packing keeps the tensor and unpacking
    returns it (the saved values are the same as without the context).

    Parameters
    ----------
    pin_memory : bool
        Accepted for compatibility (there is no pinned memory).
    device_type : str
        Accepted for compatibility ("cuda" in PyTorch).
    """

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        def pack_to_cpu(tensor: Tensor) -> Tensor:
            return tensor

        def unpack_from_cpu(packed: Tensor) -> Tensor:
            return packed

        super().__init__(pack_to_cpu, unpack_from_cpu)
        self.pin_memory, self.device_type = pin_memory, device_type


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message: str) -> Iterator[None]:
    """Context manager (or decorator): saved-tensor hooks may not be used inside it.

    Entering `saved_tensors_hooks` inside it raises ``RuntimeError(error_message)``, and so
    does entering it while saved-tensor hooks are active.

    Parameters
    ----------
    error_message : str
        The message of the RuntimeError.
    """
    if _stack:
        raise RuntimeError(error_message)
    _disabled.append(error_message)
    try:
        yield
    finally:
        _disabled.pop()
