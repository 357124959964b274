"""``minigrad.backends.cudnn``: flags that programs set for reproducibility.

minigrad has no cuDNN; the flags are plain attributes so that
``minigrad.backends.cudnn.deterministic = True`` runs. minigrad's CPU results do not
depend on them (they are always deterministic).
"""
from __future__ import annotations

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True  # PyTorch's default for convolutions


def is_available() -> bool:
    """False: there is no cuDNN."""
    return False


def version() -> None:
    """None: there is no cuDNN (as in a CPU-only PyTorch)."""
    return None
