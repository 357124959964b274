"""``minigrad.cpu.amp``: the deprecated spellings of `minigrad.amp` for ``"cpu"``.

Each warns with PyTorch's ``FutureWarning`` and then behaves as its ``minigrad.amp``
counterpart with ``device_type="cpu"``: `GradScaler` scales; `autocast` defaults to
bfloat16 as in PyTorch, so it raises ``RuntimeError`` unless ``enabled=False``.
"""
from __future__ import annotations

from . import autocast_mode
from .deprecated import DeviceAutocast, DeviceGradScaler

__all__ = ["autocast", "GradScaler"]


class autocast(DeviceAutocast):  # noqa: N801
    """``minigrad.amp.autocast("cpu", ...)`` (bfloat16 by default), after a
    ``FutureWarning``."""

    device_type = "cpu"
    default_dtype = autocast_mode.BFLOAT16


class GradScaler(DeviceGradScaler):
    """``minigrad.amp.GradScaler("cpu", ...)``, after a ``FutureWarning``."""

    device_type = "cpu"
