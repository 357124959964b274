"""``minigrad.cuda``: minigrad has no GPU, and these answer the usual questions about one.

They exist so that device boilerplate runs unchanged: ``is_available()`` is False,
``device_count()`` is 0, and seeding the (absent) CUDA generators does nothing, as in a
CPU-only PyTorch.
"""
from __future__ import annotations

import sys

from .amp import cuda_amp as amp  # torch.cuda.amp: the deprecated spellings

sys.modules[f"{__name__}.amp"] = amp  # so that `from minigrad.cuda.amp import ...` works


def is_available() -> bool:
    """False: minigrad computes on the CPU only."""
    return False


def device_count() -> int:
    """0: there is no CUDA device."""
    return 0


def manual_seed(seed: int) -> None:
    """Does nothing: there is no CUDA generator to seed (use ``minigrad.manual_seed``)."""


def manual_seed_all(seed: int) -> None:
    """Does nothing: there is no CUDA generator to seed (use ``minigrad.manual_seed``)."""


def empty_cache() -> None:
    """Does nothing: there is no CUDA memory to release."""
