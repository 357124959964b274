"""``minigrad.accelerator``: there is none; minigrad computes on the CPU."""
from __future__ import annotations

from typing import Any


def is_available() -> bool:
    """False: minigrad has no accelerator."""
    return False


def current_accelerator(check_available: bool = False) -> Any:
    """None: no accelerator is present (so ``device = current_accelerator() or "cpu"``
    picks the CPU)."""
    return None


def device_count() -> int:
    """0: there is no accelerator device."""
    return 0
