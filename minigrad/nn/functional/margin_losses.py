"""Margin and embedding losses: ranking pairs, hinge and soft-margin classification
(binary, multi-class and multi-label), cosine and triplet embeddings. Each reduces with ``'mean'``, ``'sum'`` or ``'none'`` and
accepts PyTorch's deprecated ``size_average`` / ``reduce`` flags."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ... import ops
from ...dtypes import scalar_type_name
from ...internal import array_of, wrap
from ...ops.special import softplus
from ...tensor import Tensor
from ._checks import check_dtype, check_tensor
from .distance import pairwise_distance
from .losses import _as_target, _in_input_dtype
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
    """``log(1 + exp(-y x))`` for labels ``y`` in {-1, 1}, in the input's dtype (as
    PyTorch)."""
    reduction = legacy_reduction(size_average, reduce, reduction, "soft_margin_loss")
    signs = -_in_input_dtype(_as_target(input, target), input)
    if input.dtype.kind != "f":  # PyTorch computes in the input's buffer
        raise RuntimeError(f"soft_margin_loss: result type Float can't be cast to the desired "
                           f"output type {scalar_type_name(input.dtype)} (input of dtype "
                           f"{input.dtype})")
    losses = softplus(signs * input)
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


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Callable | None = None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """`triplet_margin_loss` with any distance: ``distance_function(x, y)`` (default
    `pairwise_distance`), which must return one distance per sample."""
    if margin <= 0:
        raise ValueError(f"triplet_margin_with_distance_loss: expected margin to be greater "
                         f"than 0, got {margin} instead")
    distance = pairwise_distance if distance_function is None else distance_function
    to_positive, to_negative = distance(anchor, positive), distance(anchor, negative)
    if swap:
        to_negative = ops.minimum(to_negative, distance(positive, negative))
    losses = ops.relu(margin + to_positive - to_negative)
    return apply_reduction(losses, reduction, "triplet_margin_with_distance_loss")


def multi_margin_loss(input: Tensor, target: Any, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """The multi-class hinge loss of scores ``input`` (N, C) or (C,) and class indices
    ``target``: ``sum over i != y of max(0, margin - x[y] + x[i]) ** p / C``, each sample
    weighted by ``weight[y]``; ``p`` is 1 or 2. ``target`` is an int64 Tensor and
    ``weight`` has the input's dtype (else PyTorch's TypeError / RuntimeError)."""
    op = "multi_margin_loss"
    reduction = legacy_reduction(size_average, reduce, reduction, op)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    _check_class_indices(op, target)
    if weight is not None:
        check_dtype(op, input.dtype, weight.dtype, "weight")
    scores = input if input.ndim == 2 else ops.reshape(input, (1, -1))
    count, classes = scores.shape
    labels = array_of(target).astype(np.int64).reshape(-1)
    if labels.shape != (count,):
        raise RuntimeError(f"multi_margin_loss: inconsistent target size: got "
                           f"{tuple(target.shape)} for input of shape {tuple(input.shape)}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise RuntimeError("multi_margin_loss: target out of range")
    rows = wrap(np.arange(count))
    picked = scores[rows, wrap(labels)]
    margins = ops.relu(margin - ops.unsqueeze(picked, 1) + scores)
    margins = ops.where(wrap(np.arange(classes) == labels[:, None]), 0.0, margins)
    if p == 2:
        margins = margins * margins
    if weight is not None:
        margins = margins * ops.unsqueeze(weight[wrap(labels)], 1)
    losses = ops.sum(margins, 1) / classes
    if input.ndim < 2:
        losses = ops.reshape(losses, ())
    return apply_reduction(losses, reduction, "multi_margin_loss")


def multilabel_margin_loss(input: Tensor, target: Any, size_average: bool | None = None,
                           reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """The multi-label hinge loss: each row of ``target`` lists a sample's classes (its
    first -1 ends the list); every listed class ``j`` should score at least 1 above every
    unlisted class ``i``: ``sum max(0, 1 - (x[j] - x[i])) / C``. ``target`` is an int64
    Tensor."""
    reduction = legacy_reduction(size_average, reduce, reduction, "multilabel_margin_loss")
    _check_class_indices("multilabel_margin_loss", target)
    scores = input if input.ndim == 2 else ops.reshape(input, (1, -1))
    labels = array_of(target).astype(np.int64).reshape(scores.shape) \
        if array_of(target).size == scores.numel() else None
    if labels is None:
        raise RuntimeError(f"multilabel_margin_loss: inconsistent target size: "
                           f"{tuple(target.shape)} for input of shape {tuple(input.shape)}")
    classes = scores.shape[1]
    if labels.size and (labels.min() < -1 or labels.max() >= classes):
        raise RuntimeError("multilabel_margin_loss: target out of range")
    listed = np.cumprod(labels != -1, axis=1).astype(bool)  # entries before the first -1
    times = np.zeros(labels.shape, np.int64)  # how often each class is listed
    np.add.at(times, (np.nonzero(listed)[0], labels[listed]), 1)
    pairs = (times[:, :, None] * (times == 0)[:, None, :]).astype(input.dtype)
    hinge = ops.relu(1 - ops.unsqueeze(scores, 2) + ops.unsqueeze(scores, 1))  # [n, j, i]
    losses = ops.sum(hinge * wrap(pairs), (1, 2)) / classes
    if input.ndim < 2:
        losses = ops.reshape(losses, ())
    return apply_reduction(losses, reduction, "multilabel_margin_loss")


def _check_class_indices(op: str, target: Any) -> None:
    """PyTorch's checks of a class-index target: a Tensor (``TypeError``) of int64
    (``RuntimeError``, "expected scalar type Long but found Float")."""
    check_tensor(target, "target", op, 2)
    check_dtype(op, np.int64, target.dtype, "target")
