"""Scaled dot-product attention, the core of the Transformer."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import ops
from ...internal import array_of, wrap
from ...tensor import Tensor
from .dropouts import dropout


def attention_bias(mask: Any, like: Tensor, allowed_when_true: bool) -> Tensor | None:
    """An additive mask: a float mask as it is; a bool mask as 0 where attention is allowed
    and -inf where it is not (``allowed_when_true`` says what True means)."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        mask = wrap(np.asarray(mask))
    if mask.dtype == np.bool_:
        blocked = ~array_of(mask) if allowed_when_true else array_of(mask)
        return wrap(np.where(blocked, -np.inf, 0.0).astype(like.dtype))
    return mask


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Any = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(Q K^T * scale + mask) V`` over the last two dims.

    Parameters
    ----------
    query : Tensor
        ``(*, L, E)``.
    key, value : Tensor
        ``(*, S, E)`` and ``(*, S, Ev)``.
    attn_mask : Tensor, optional
        Broadcastable to ``(*, L, S)``: bool (True: *may* attend, as in PyTorch's
        function) or float (added to the scores).
    dropout_p : float
        Dropout on the attention weights.
    is_causal : bool
        Position i attends to positions j <= i only (no ``attn_mask`` with it).
    scale : float, optional
        ``1 / sqrt(E)`` by default.
    enable_gqa : bool
        Not supported.
    """
    if enable_gqa:
        raise NotImplementedError("scaled_dot_product_attention: enable_gqa is not supported")
    if is_causal and attn_mask is not None:
        raise RuntimeError("scaled_dot_product_attention: explicit attn_mask should not be set "
                           "when is_causal=True")
    length, source = query.shape[-2], key.shape[-2]
    if is_causal:
        attn_mask = wrap(np.tril(np.ones((length, source), dtype=np.bool_)))
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = ops.matmul(query, ops.transpose(key, -2, -1)) * factor
    bias = attention_bias(attn_mask, scores, allowed_when_true=True)
    if bias is not None:
        scores = scores + bias
    weights = ops.softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return ops.matmul(weights, value)
