"""``minigrad.backends.openmp``: whether the CPU build has OpenMP, as PyTorch's CPU build."""
from __future__ import annotations


def is_available() -> bool:
    """True, as in PyTorch's CPU build (minigrad's threads are NumPy's)."""
    return True
