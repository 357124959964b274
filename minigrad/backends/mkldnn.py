"""``minigrad.backends.mkldnn``: oneDNN's flags, as a CPU build of PyTorch reports them.

minigrad computes with NumPy; these answer as PyTorch's CPU build does so that programs
that ask take the same branch, and ``enabled`` is a plain flag that changes nothing.
"""
from __future__ import annotations

enabled = True
deterministic = False


def is_available() -> bool:
    """True, as in PyTorch's CPU build (minigrad's CPU results do not depend on it)."""
    return True
