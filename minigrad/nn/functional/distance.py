"""Similarities and distances between batches of vectors."""
from __future__ import annotations

import numpy as np

from ... import ops
from ...tensor import Tensor


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``x1 . x2 / (max(||x1||, eps) max(||x2||, eps))`` along ``dim`` (the inputs
    broadcast).

    As in PyTorch (2.x), each norm is clamped at ``eps``, and each input is divided by its
    norm before the product is summed.
    """
    shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    x1, x2 = (x if tuple(x.shape) == shape else ops.expand(x, shape) for x in (x1, x2))
    n1 = ops.clamp(ops.sqrt(ops.sum(x1 * x1, dim, keepdim=True)), min=eps)
    n2 = ops.clamp(ops.sqrt(ops.sum(x2 * x2, dim, keepdim=True)), min=eps)
    return ops.sum((x1 / n1) * (x2 / n2), dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The p-norm of ``x1 - x2 + eps`` along the last dim."""
    diff = ops.abs(x1 - x2 + eps)
    if p == float("inf"):
        return ops.amax(diff, -1, keepdim=keepdim)
    return ops.sum(diff ** p, -1, keepdim=keepdim) ** (1.0 / p)
