"""Scaled dot-product attention, the core of the Transformer."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import ops
from ...dtypes import scalar_type_name
from ...internal import array_of, wrap
from ...tensor import Tensor
from .dropouts import dropout


def as_mask(mask: Any) -> Tensor | None:
    """``mask`` as a Tensor (an array or nested list wrapped), None as None."""
    if mask is None or isinstance(mask, Tensor):
        return mask
    return wrap(np.asarray(mask))


def attention_bias(mask: Any, like: Tensor, allowed_when_true: bool) -> Tensor | None:
    """An additive mask: a float mask as it is; a bool mask as 0 where attention is allowed
    and -inf where it is not (``allowed_when_true`` says what True means)."""
    mask = as_mask(mask)
    if mask is None:
        return None
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
        function) or of the query's dtype (added to the scores); any other dtype (an
        integer mask) is PyTorch's RuntimeError.
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
    attn_mask = as_mask(attn_mask)
    _check_sdpa_inputs(query, key, value, attn_mask)
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


def _check_sdpa_inputs(query: Tensor, key: Tensor, value: Tensor,
                       attn_mask: Tensor | None) -> None:
    """PyTorch's RuntimeErrors of scaled_dot_product_attention: query, key and value of
    2+ dims and one dtype; a mask that is bool or of the query's dtype."""
    op = "scaled_dot_product_attention"
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError(f"{op}: Expected query, key, and value to all be at least 2 "
                           f"dimensional, but got shapes {tuple(query.shape)}, "
                           f"{tuple(key.shape)} and {tuple(value.shape)}")
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(f"{op}: Expected query, key, and value to have the same dtype, "
                           f"but got query.dtype: {query.dtype} key.dtype: {key.dtype} and "
                           f"value.dtype: {value.dtype} instead.")
    if query.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected floating point query, key and value, but found "
                           f"{scalar_type_name(query.dtype)}")
    if attn_mask is not None and attn_mask.dtype not in (np.bool_, query.dtype):
        raise RuntimeError(f"{op}: Expected attn_mask dtype to be bool or float or to match "
                           f"query dtype, but got attn_mask.dtype: "
                           f"{scalar_type_name(attn_mask.dtype)} and query.dtype: "
                           f"{scalar_type_name(query.dtype)} instead (attn_mask of shape "
                           f"{tuple(attn_mask.shape)}).")
