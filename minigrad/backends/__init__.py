"""``minigrad.backends``: the GPU back ends a PyTorch program asks about, all absent."""
from . import cudnn, mps

__all__ = ["cudnn", "mps"]
