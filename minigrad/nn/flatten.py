"""Flatten and Unflatten: merge a range of dims into one, or split one dim into several."""
from __future__ import annotations

from typing import Sequence

from .. import ops
from ..tensor import Tensor
from . import functional as F
from .module import Module


class Flatten(Module):
    """Merge dims ``start_dim`` to ``end_dim`` into one; by default, everything but the
    batch dim: ``(N, C, H, W) -> (N, C * H * W)``."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return F.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size``: ``Unflatten(1, (C, H, W))`` turns
    ``(N, C * H * W)`` into ``(N, C, H, W)``. One size may be -1 (inferred)."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(s, int) and not isinstance(s, bool) for s in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got "
                            f"{unflattened_size!r}")
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        dim = ops.normalize_dim(self.dim, input.ndim, "Unflatten")
        sizes = self.unflattened_size
        known = 1
        for s in sizes:
            known *= s if s != -1 else 1
        n = input.shape[dim]
        if (-1 not in sizes and known != n) or (-1 in sizes and (known == 0 or n % known)):
            raise RuntimeError(f"Unflatten: unflattened_size {sizes} does not match dim {dim} "
                               f"of size {n} in input of shape {tuple(input.shape)}")
        return input.reshape(tuple(input.shape[:dim]) + sizes + tuple(input.shape[dim + 1:]))

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
