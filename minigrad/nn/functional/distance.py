"""Similarities and distances between batches of vectors."""
from __future__ import annotations

from ... import ops
from ...tensor import Tensor


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``x1 . x2 / max(||x1|| ||x2||, eps)`` along ``dim`` (the inputs broadcast).

    As in PyTorch, the product of the norms (not each norm) is clamped at ``eps``.
    """
    dot = ops.sum(x1 * x2, dim)
    norms = ops.sqrt(ops.sum(x1 * x1, dim) * ops.sum(x2 * x2, dim))
    return dot / ops.clamp(norms, min=eps)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The p-norm of ``x1 - x2 + eps`` along the last dim."""
    diff = ops.abs(x1 - x2 + eps)
    if p == float("inf"):
        return ops.amax(diff, -1, keepdim=keepdim)
    return ops.sum(diff ** p, -1, keepdim=keepdim) ** (1.0 / p)
