"""Margin and embedding losses: ranking pairs, hinge and soft-margin classification,
cosine and triplet embeddings. Each reduces with ``'mean'``, ``'sum'`` or ``'none'`` and
accepts PyTorch's deprecated ``size_average`` / ``reduce`` flags."""
from __future__ import annotations

from typing import Any

from ... import ops
from ...ops.special import softplus
from ...tensor import Tensor
from .distance import pairwise_distance
from .losses import _as_target
from .reduction import apply_reduction, legacy_reduction

_EPSILON = 1e-12


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, -y (x1 - x2) + margin)``: ``y = 1`` asks for ``x1`` to rank above ``x2``
    by ``margin``, ``y = -1`` for the opposite."""
    reduction = legacy_reduction(size_average, reduce, reduction, "margin_ranking_loss")
    target = _as_target(input1, target)
    losses = ops.relu(-target * (input1 - input2) + margin)
    return apply_reduction(losses, reduction, "margin_ranking_loss")


def hinge_embedding_loss(input: Tensor, target: Any, margin: float = 1.0,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """``x`` where ``y = 1`` and ``max(0, margin - x)`` where ``y = -1`` (``x`` is usually a
    distance)."""
    reduction = legacy_reduction(size_average, reduce, reduction, "hinge_embedding_loss")
    target = _as_target(input, target)
    to_margin = ops.where(target != 1, ops.relu(margin - input), 0.0)
    to_self = ops.where(target != -1, input, 0.0)
    return apply_reduction(to_margin + to_self, reduction, "hinge_embedding_loss")


def soft_margin_loss(input: Tensor, target: Any, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``log(1 + exp(-y x))`` for labels ``y`` in {-1, 1}."""
    reduction = legacy_reduction(size_average, reduce, reduction, "soft_margin_loss")
    losses = softplus(-_as_target(input, target) * input)
    return apply_reduction(losses, reduction, "soft_margin_loss")


def multilabel_soft_margin_loss(input: Tensor, target: Any, weight: Tensor | None = None,
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of the logits ``input`` (N, C) against 0/1 labels, averaged
    over the C classes of each sample: ``-mean_c [y log sigmoid(x) + (1 - y) log
    sigmoid(-x)]``, each class weighted by ``weight``."""
    reduction = legacy_reduction(size_average, reduce, reduction, "multilabel_soft_margin_loss")
    target = _as_target(input, target)
    losses = target * softplus(-input) + (1 - target) * softplus(input)
    if weight is not None:
        losses = losses * weight
    per_sample = ops.sum(losses, -1) / input.shape[-1]
    return apply_reduction(per_sample, reduction, "multilabel_soft_margin_loss")


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where ``y = 1`` and ``max(0, cos(x1, x2) - margin)`` where
    ``y = -1``; the cosine is taken along the last dim of (N, D) or (D,) inputs."""
    reduction = legacy_reduction(size_average, reduce, reduction, "cosine_embedding_loss")
    if input1.ndim not in (1, 2) or input1.shape != input2.shape:
        raise RuntimeError(f"cosine_embedding_loss: expected 1D or 2D inputs of the same "
                           f"shape, got {tuple(input1.shape)} and {tuple(input2.shape)}")
    dot = ops.sum(input1 * input2, -1)
    norms = (ops.sum(input1 * input1, -1) + _EPSILON) * (ops.sum(input2 * input2, -1) + _EPSILON)
    cosine = dot / ops.sqrt(norms)
    target = _as_target(cosine, target)
    similar = ops.where(target == 1, 1 - cosine, 0.0)
    dissimilar = ops.where(target == -1, ops.relu(cosine - margin), 0.0)
    return apply_reduction(similar + dissimilar, reduction, "cosine_embedding_loss")


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, d(a, p) - d(a, n) + margin)`` with the p-norm distance of
    `pairwise_distance`; ``swap`` uses ``min(d(a, n), d(p, n))`` (the harder negative)."""
    reduction = legacy_reduction(size_average, reduce, reduction, "triplet_margin_loss")
    to_positive = pairwise_distance(anchor, positive, p, eps)
    to_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        to_negative = ops.minimum(to_negative, pairwise_distance(positive, negative, p, eps))
    losses = ops.relu(margin + to_positive - to_negative)
    return apply_reduction(losses, reduction, "triplet_margin_loss")
