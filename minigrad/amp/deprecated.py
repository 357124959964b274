"""What ``torch.cuda.amp`` and ``torch.cpu.amp`` still offer: `autocast` and `GradScaler`
with the device type fixed, each warning with PyTorch's ``FutureWarning`` first.
`cuda_amp` and `cpu_amp` subclass these with their device."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import autocast_mode, grad_scaler


def warn_deprecated(old: str, new: str) -> None:
    """PyTorch's ``FutureWarning`` for a deprecated ``torch.<device>.amp`` spelling."""
    warnings.warn(f"`{old}(args...)` is deprecated. Please use `{new}` instead.",
                  FutureWarning, stacklevel=3)


class DeviceAutocast(autocast_mode.autocast):
    """``minigrad.amp.autocast(device_type, ...)`` for the class's ``device_type``.

    Parameters
    ----------
    enabled : bool
    dtype : dtype, optional
        None: the class's ``default_dtype`` (PyTorch's: float16 for ``"cuda"``, bfloat16
        for ``"cpu"``).
    cache_enabled : bool
    """

    device_type = "cuda"
    default_dtype: Any = np.dtype(np.float16)

    def __init__(self, enabled: bool = True, dtype: Any = None,
                 cache_enabled: bool = True) -> None:
        kind = self.device_type
        warn_deprecated(f"torch.{kind}.amp.autocast", f"torch.amp.autocast('{kind}', args...)")
        super().__init__(kind, dtype=self.default_dtype if dtype is None else dtype,
                         enabled=enabled, cache_enabled=cache_enabled)


class DeviceGradScaler(grad_scaler.GradScaler):
    """``minigrad.amp.GradScaler(device, ...)`` for the class's ``device_type``."""

    device_type = "cuda"

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000,
                 enabled: bool = True) -> None:
        kind = self.device_type
        warn_deprecated(f"torch.{kind}.amp.GradScaler",
                        f"torch.amp.GradScaler('{kind}', args...)")
        super().__init__(kind, init_scale, growth_factor, backoff_factor, growth_interval,
                         enabled)
