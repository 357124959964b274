"""``minigrad.utils``: where PyTorch programs look for ``utils.data`` and
``utils.checkpoint``."""
from . import checkpoint, data

__all__ = ["checkpoint", "data"]
