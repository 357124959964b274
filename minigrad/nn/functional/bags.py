"""``embedding_bag``: the sum, mean or max of the embeddings in each bag of indices.

A bag is a run of indices: a row of a 2-D input, or, for a 1-D input, the run from one
offset to the next. Looking the rows up and reducing them per bag is what
``embedding(...).sum(1)`` would do for bags of equal length; here bags may differ in
length, and may be empty (their result is zeros). The sum and the mean add each bag's
rows into its output row (``index_add_at``); the max picks, per bag and per column, the
first row that holds the maximum, so the gradient goes to that one entry, as in PyTorch.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...internal import array_of, wrap
from ...ops.indexing import IndexAddAt
from ...tensor import Tensor
from .dense import _indices, _padding_row, embedding

_MODES = ("sum", "mean", "max")


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2.0,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Reduce the embeddings of each bag of indices, as ``torch.nn.functional.embedding_bag``.

    Parameters
    ----------
    input : Tensor of int
        ``(B, L)``: B bags of L indices each; or ``(T,)`` with ``offsets``.
    weight : Tensor
        ``(num_embeddings, embedding_dim)``.
    offsets : Tensor of int, optional
        For a 1-D input: where each bag starts (the first must be 0, and they must not
        decrease). Bag i runs to the next offset, the last one to the end of ``input``.
    max_norm, norm_type, scale_grad_by_freq
        As in `embedding`.
    mode : {'mean', 'sum', 'max'}
    sparse : bool
        Sparse gradients are not supported; True raises.
    per_sample_weights : Tensor, optional
        One weight per index (the shape of ``input``), multiplying its row; ``mode='sum'``
        only.
    include_last_offset : bool
        ``offsets`` has one more entry, the end of the last bag.
    padding_idx : int, optional
        Indices equal to it are left out of their bag (and of its count, for the mean).

    Returns
    -------
    Tensor
        ``(B, embedding_dim)``.
    """
    if weight.ndim != 2:
        raise ValueError(f"embedding_bag: weight has to be a 2D Tensor, but got Tensor of "
                         f"dimension {weight.ndim}")
    index = _indices(input, "embedding_bag")
    if per_sample_weights is not None and tuple(per_sample_weights.shape) != index.shape:
        raise ValueError(f"embedding_bag: If per_sample_weights "
                         f"({tuple(per_sample_weights.shape)}) is not None, then it must have "
                         f"the same shape as the input ({index.shape})")
    flat, starts, ends = _bags(index, offsets, include_last_offset)
    _check_mode(mode, scale_grad_by_freq, sparse, per_sample_weights)
    rows = weight.shape[0]
    if flat.size and (flat.min() < 0 or flat.max() >= rows):
        bad = flat[(flat < 0) | (flat >= rows)][0]
        raise RuntimeError(f"embedding_bag: index {int(bad)} is out of range for a weight of "
                           f"{rows} rows (shape {tuple(weight.shape)})")
    pad_row = _padding_row(padding_idx, rows)
    kept = np.ones(flat.shape, bool) if pad_row is None else flat != pad_row
    looked_up = embedding(wrap(flat), weight, None, max_norm, norm_type, scale_grad_by_freq)
    bag_of = np.repeat(np.arange(len(starts)), ends - starts)
    if mode == "max":
        return _bag_max(looked_up, flat, bag_of, kept, starts, ends)
    if per_sample_weights is not None:
        looked_up = looked_up * ops.reshape(per_sample_weights, (-1, 1))
    out = IndexAddAt.apply(looked_up[wrap(kept)], bag_of[kept], (len(starts), weight.shape[1]))
    if mode == "mean":
        counts = np.bincount(bag_of[kept], minlength=len(starts))
        out = out / wrap(np.maximum(counts, 1).astype(weight.dtype)[:, None])
    return out


def _bags(index: np.ndarray, offsets: Any, include_last_offset: bool) -> tuple:
    """The flat indices, and where each bag starts and ends in them."""
    if index.ndim == 2:
        if offsets is not None:
            raise ValueError(f"embedding_bag: if input is 2D, then offsets has to be None, as "
                             f"input is treated is a mini-batch of fixed length sequences. "
                             f"However, found offsets of type {type(offsets)}")
        starts = np.arange(index.shape[0]) * index.shape[1]
        return index.reshape(-1), starts, starts + index.shape[1]
    if index.ndim != 1:
        raise ValueError(f"embedding_bag: input has to be 1D or 2D Tensor, but got Tensor of "
                         f"dimension {index.ndim}")
    if offsets is None:
        raise ValueError("embedding_bag: offsets has to be a 1D Tensor but got None")
    bounds = _indices(offsets, "embedding_bag").astype(np.int64)
    if bounds.ndim != 1:
        raise ValueError("embedding_bag: offsets has to be a 1D Tensor")
    if bounds.size and bounds[0] != 0:
        raise RuntimeError(f"embedding_bag: offsets[0] has to be 0, i.e., the first sequence in "
                           f"the mini-batch has to start from position 0. However, got "
                           f"{int(bounds[0])}")
    if bounds.size and bounds[-1] > index.size:
        raise RuntimeError(f"embedding_bag: offsets[-1] can not be greater than input's length "
                           f"{index.size} but got offsets[-1] of {int(bounds[-1])}")
    if np.any(np.diff(bounds) < 0):
        raise RuntimeError(f"embedding_bag: offsets must not decrease, got {bounds.tolist()}")
    if include_last_offset:
        return index, bounds[:-1], bounds[1:]
    return index, bounds, np.append(bounds[1:], index.size)


def _check_mode(mode: str, scale_grad_by_freq: bool, sparse: bool,
                per_sample_weights: Tensor | None) -> None:
    if mode not in _MODES:
        raise ValueError(f"embedding_bag: mode has to be one of sum, mean or max, got {mode!r}")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("embedding_bag: max mode does not support scaling the gradient by "
                         "the frequency")
    if mode == "max" and sparse:
        raise ValueError("embedding_bag: max mode does not support sparse weights")
    if sparse:
        raise NotImplementedError("embedding_bag: sparse gradients are not supported; use "
                                  "sparse=False (the gradient is a dense tensor)")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}')")


def _bag_max(looked_up: Tensor, flat: np.ndarray, bag_of: np.ndarray, kept: np.ndarray,
             starts: np.ndarray, ends: np.ndarray) -> Tensor:
    """Per bag and column, the first kept row holding the maximum; zeros for a bag with
    no kept row."""
    values = array_of(looked_up)
    bags, dim = len(starts), values.shape[1]
    if flat.size == 0:  # zeros, still connected to the table
        return IndexAddAt.apply(looked_up, bag_of, (bags, dim))
    padded = np.full((bags, max(int((ends - starts).max()), 1), dim), -np.inf, values.dtype)
    position = np.arange(flat.size) - starts[bag_of]
    padded[bag_of[kept], position[kept]] = values[kept]
    first_max = padded.argmax(axis=1)  # (bags, dim): the first maximum, as PyTorch
    token = np.minimum(starts[:, None] + first_max, flat.size - 1)  # an empty bag: any
    empty = np.isneginf(padded.max(axis=1))
    picked = looked_up[wrap(token), wrap(np.arange(dim)[None, :])]
    return ops.where(wrap(empty), wrap(np.zeros((), values.dtype)), picked)
