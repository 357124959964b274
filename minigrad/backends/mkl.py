"""``minigrad.backends.mkl``: whether the CPU build has MKL, as PyTorch's CPU build."""
from __future__ import annotations


def is_available() -> bool:
    """True, as in PyTorch's CPU build (minigrad's linear algebra is NumPy's)."""
    return True
