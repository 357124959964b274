"""``minigrad.cpu``: PyTorch's ``torch.cpu``, the CPU described with ``torch.cuda``'s names.

Device-agnostic code calls ``getattr(torch, device.type).synchronize()`` and the like;
with ``device.type == "cpu"`` these are the functions it reaches. There is one CPU
device, always available and always ready, and it has one stream, on which work is
finished as soon as a call returns.
"""
from __future__ import annotations

import contextlib
import os
import platform
import sys
from types import MappingProxyType
from typing import Any, Mapping

from .amp import cpu_amp as amp  # torch.cpu.amp: the deprecated spellings

sys.modules[f"{__name__}.amp"] = amp  # so that `from minigrad.cpu.amp import ...` works

__all__ = ["is_available", "is_initialized", "synchronize", "current_device",
           "current_stream", "stream", "set_device", "device_count", "Stream",
           "StreamContext", "Event", "get_capabilities"]


def is_available() -> bool:
    """True: minigrad computes on the CPU."""
    return True


def is_initialized() -> bool:
    """True: the CPU needs no initialisation."""
    return True


def device_count() -> int:
    """1: the CPU counts as one device, however many cores it has."""
    return 1


def current_device() -> str:
    """``"cpu"``, as ``torch.cpu.current_device()`` answers."""
    return "cpu"


def set_device(device: Any) -> None:
    """Does nothing: there is only one CPU device to select."""


def synchronize(device: Any = None) -> None:
    """Returns at once: every computation has finished when its call returns."""


class Stream:
    """The CPU's one stream of work (for code written against CUDA streams).

    Parameters
    ----------
    priority : int
        Accepted and ignored.
    """

    def __init__(self, priority: int = -1) -> None:
        self.priority = priority

    def wait_stream(self, stream: "Stream") -> None:
        """Returns at once (nothing is ever pending)."""

    def wait_event(self, event: "Event") -> None:
        """Returns at once (nothing is ever pending)."""

    def record_event(self) -> None:
        """Does nothing, as on PyTorch's CPU stream."""


class Event:
    """A marker in a stream; on the CPU every event has already happened."""

    def query(self) -> bool:
        """True: the work before the event is done."""
        return True

    def record(self, stream: Stream | None = None) -> None:
        """Does nothing."""

    def synchronize(self) -> None:
        """Returns at once."""

    def wait(self, stream: Stream | None = None) -> None:
        """Returns at once."""


_default_stream = Stream()
_current = [_default_stream]


def current_stream(device: Any = None) -> Stream:
    """The selected stream: the default one, or the one `stream` selected."""
    return _current[-1]


class StreamContext(contextlib.AbstractContextManager):
    """Makes ``stream`` the current stream inside a ``with`` block (None: no change).

    Parameters
    ----------
    stream : Stream or None
    """

    def __init__(self, stream: Stream | None) -> None:
        self.stream = stream

    def __enter__(self) -> None:
        if self.stream is not None:
            _current.append(self.stream)

    def __exit__(self, *exc: Any) -> None:
        if self.stream is not None:
            _current.pop()


def stream(stream: Stream | None) -> StreamContext:
    """A `StreamContext` that selects ``stream``."""
    return StreamContext(stream)


def get_capabilities() -> Mapping[str, Any]:
    """What is known about the processor, as a read-only mapping.

    PyTorch reports its instruction sets (``"avx2"``, ``"neon"``, ...) from cpuinfo;
    minigrad leaves its arithmetic to NumPy and reports what Python knows: the
    ``"architecture"`` and ``"num_logical_cores"``. Ask with ``.get(name, False)``, as
    PyTorch's documentation does.
    """
    return MappingProxyType({"architecture": platform.machine(),
                             "num_logical_cores": os.cpu_count() or 1})
