"""``minigrad.amp``: PyTorch's automatic mixed precision API.

`GradScaler` scales losses and unscales gradients exactly as PyTorch's does (with
``device="cpu"``; ``"cuda"`` warns and disables it, as a CPU-only PyTorch does).
`autocast` regions are disabled or refused, never silently computed in another precision:
see `minigrad.amp.autocast_mode`. The deprecated ``minigrad.cuda.amp`` and
``minigrad.cpu.amp`` spellings live in `cuda_amp` and `cpu_amp`.
"""
from .autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]
