"""Similarities and distances between batches of vectors."""
from __future__ import annotations

import numpy as np

from ... import linalg, ops
from ...dtypes import scalar_type_name
from ...ops._util import broadcast_shape
from ...tensor import Tensor


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``x1 . x2 / (max(||x1||, eps) max(||x2||, eps))`` along ``dim`` (the inputs
    broadcast).

    As in PyTorch (2.x), each norm is clamped at ``eps``, and each input is divided by its
    norm before the product is summed. Shapes that do not broadcast, and integer inputs,
    are PyTorch's RuntimeErrors.
    """
    shape = broadcast_shape("cosine_similarity", tuple(x1.shape), tuple(x2.shape))
    if np.result_type(x1.dtype, x2.dtype).kind != "f":
        raise RuntimeError(f"cosine_similarity: expected common dtype to be floating point, "
                           f"yet common dtype is "
                           f"{scalar_type_name(np.result_type(x1.dtype, x2.dtype))} (x1 "
                           f"{x1.dtype}, x2 {x2.dtype})")
    x1, x2 = (x if tuple(x.shape) == shape else ops.expand(x, shape) for x in (x1, x2))
    n1 = ops.clamp(ops.sqrt(ops.sum(x1 * x1, dim, keepdim=True)), min=eps)
    n2 = ops.clamp(ops.sqrt(ops.sum(x2 * x2, dim, keepdim=True)), min=eps)
    return ops.sum((x1 / n1) * (x2 / n2), dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The p-norm of ``x1 - x2 + eps`` along the last dim, for any ``p`` as
    `minigrad.linalg.vector_norm` takes it: 0 counts the nonzero entries, a negative p and
    -inf give PyTorch's values (0 once an entry is 0)."""
    return linalg.vector_norm(x1 - x2 + eps, ord=p, dim=-1, keepdim=keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """The p-norm distances between the rows of an ``(N, M)`` input, each pair once: the
    ``N (N - 1) / 2`` values above the diagonal of ``cdist(input, input)``, row by row."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if p < 0:
        raise RuntimeError(f"pdist only supports non-negative p values, got {p}")
    first, second = np.triu_indices(input.shape[0], 1)
    diff = ops.getitem(input, first) - ops.getitem(input, second)
    if diff.shape[0] == 0:  # fewer than two rows: no pairs (the inf norm has no identity)
        return ops.sum(diff, 1)
    return linalg.vector_norm(diff, ord=p, dim=1)
