"""``minigrad.backends.mps``: Apple's GPU back end is not available in minigrad."""
from __future__ import annotations


def is_available() -> bool:
    """False: minigrad computes on the CPU only."""
    return False


def is_built() -> bool:
    """False: minigrad has no MPS back end."""
    return False
