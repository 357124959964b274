"""``minigrad.cuda.amp``: the deprecated spellings of `minigrad.amp` for ``"cuda"``.

Each warns with PyTorch's ``FutureWarning`` and then behaves as its ``minigrad.amp``
counterpart with ``device_type="cuda"``: as on a machine without CUDA, `autocast` and
`GradScaler` warn again and disable themselves.
"""
from __future__ import annotations

from typing import Any, Callable

from . import autocast_mode
from .deprecated import DeviceAutocast, DeviceGradScaler, warn_deprecated

__all__ = ["amp_definitely_not_available", "autocast", "custom_bwd", "custom_fwd",
           "GradScaler"]


def amp_definitely_not_available() -> bool:
    """True: there is no CUDA (nor torch_xla)."""
    return True


class autocast(DeviceAutocast):  # noqa: N801
    """``minigrad.amp.autocast("cuda", ...)`` (float16 by default), after a
    ``FutureWarning``."""

    device_type = "cuda"


class GradScaler(DeviceGradScaler):
    """``minigrad.amp.GradScaler("cuda", ...)``, after a ``FutureWarning``."""

    device_type = "cuda"


def custom_fwd(fwd: Callable | None = None, *, cast_inputs: Any = None) -> Callable:
    """``minigrad.amp.custom_fwd(..., device_type="cuda")``, after a ``FutureWarning``."""
    warn_deprecated("torch.cuda.amp.custom_fwd",
                    "torch.amp.custom_fwd(args..., device_type='cuda')")
    return autocast_mode.custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def custom_bwd(bwd: Callable) -> Callable:
    """``minigrad.amp.custom_bwd(..., device_type="cuda")``, after a ``FutureWarning``."""
    warn_deprecated("torch.cuda.amp.custom_bwd",
                    "torch.amp.custom_bwd(args..., device_type='cuda')")
    return autocast_mode.custom_bwd(bwd, device_type="cuda")
