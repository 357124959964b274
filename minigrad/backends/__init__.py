"""``minigrad.backends``: the back ends a PyTorch program asks about, answering as a
CPU-only PyTorch build does (no GPU back end; the CPU libraries reported present)."""
from . import cuda, cudnn, mkl, mkldnn, mps, openmp

__all__ = ["cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp"]
