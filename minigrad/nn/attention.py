"""MultiheadAttention: attention in ``num_heads`` subspaces, with PyTorch's parameter
names (``in_proj_weight``, ``in_proj_bias``, ``out_proj``), layouts and masks."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F
from . import init
from ._placement import check_device
from .functional.attention import as_mask, attention_bias
from .linear import NonDynamicallyQuantizableLinear
from .module import Module
from .parameter import Parameter


class MultiheadAttention(Module):
    """``softmax(Q_h K_h^T / sqrt(d) + mask) V_h`` for each of ``num_heads`` heads of size
    ``d = embed_dim / num_heads``, concatenated and projected by ``out_proj``.

    Parameters
    ----------
    embed_dim : int
    num_heads : int
        Must divide ``embed_dim``.
    dropout : float
        Dropout on the attention weights while training.
    bias : bool
        Biases in the input and output projections.
    add_bias_kv, add_zero_attn : bool
        Not supported (must be False).
    kdim, vdim : int, optional
        Feature sizes of key and value (default ``embed_dim``); when they differ, the
        projections are ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight``.
    batch_first : bool
        Inputs and output are ``(N, L, E)`` instead of ``(L, N, E)``.
    device, dtype
        The CPU only; the dtype of the weights.

    Notes
    -----
    ``forward(query, key, value, key_padding_mask=None, need_weights=True,
    attn_mask=None, average_attn_weights=True, is_causal=False)`` returns
    ``(output, weights)``. Bool masks mark the positions that may *not* be attended
    (True), as in PyTorch's module; float masks are added to the scores.
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "MultiheadAttention")
        if embed_dim <= 0 or num_heads <= 0 or embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible "
                             f"by num_heads ({num_heads}), both positive")
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("MultiheadAttention: add_bias_kv and add_zero_attn are "
                                      "not supported")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.kdim, self.vdim = kdim or embed_dim, vdim or embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.dropout, self.batch_first = dropout, batch_first
        self.head_dim = embed_dim // num_heads
        dtype = np.dtype(dtype or get_default_dtype())
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dtype))
        else:
            self.q_proj_weight = Parameter(np.empty((embed_dim, embed_dim), dtype))
            self.k_proj_weight = Parameter(np.empty((embed_dim, self.kdim), dtype))
            self.v_proj_weight = Parameter(np.empty((embed_dim, self.vdim), dtype))
        self.register_parameter("in_proj_bias", Parameter(np.empty(3 * embed_dim, dtype))
                                if bias else None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        dtype=dtype)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's initialisation: Xavier-uniform projections, zero biases."""
        for name in ("in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"):
            if name in self._parameters:
                init.xavier_uniform_(self._parameters[name])
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def _projections(self) -> tuple[Tensor, Tensor, Tensor]:
        if self._qkv_same_embed_dim:
            e = self.embed_dim
            w = self.in_proj_weight
            return w[:e], w[e:2 * e], w[2 * e:]
        return self.q_proj_weight, self.k_proj_weight, self.v_proj_weight

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Any = None,
                need_weights: bool = True, attn_mask: Any = None,
                average_attn_weights: bool = True, is_causal: bool = False
                ) -> tuple[Tensor, Tensor | None]:
        key_padding_mask, attn_mask = as_mask(key_padding_mask), as_mask(attn_mask)
        self._check_inputs(query, key, value)
        self._check_masks(query, key, key_padding_mask, attn_mask)
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = (t.unsqueeze(1) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        length, batch, _ = query.shape
        source = key.shape[0]
        if is_causal and attn_mask is None:
            raise RuntimeError("MultiheadAttention: need attn_mask if specifying the is_causal "
                               "hint")
        biases = [None, None, None] if self.in_proj_bias is None else list(
            ops.chunk(self.in_proj_bias, 3, 0))
        heads = []
        for x, w, b, n in zip((query, key, value), self._projections(), biases,
                              (length, source, source)):
            projected = F.linear(x, w, b).reshape(n, batch, self.num_heads, self.head_dim)
            heads.append(projected.permute(1, 2, 0, 3))            # (N, H, n, d)
        q, k, v = heads
        scores = ops.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        scores = self._masked(scores, attn_mask, key_padding_mask, batch)
        weights = ops.softmax(scores, -1)
        if self.dropout > 0.0 and self.training:
            weights = F.dropout(weights, self.dropout, True)
        out = ops.matmul(weights, v).permute(2, 0, 1, 3).reshape(length, batch, self.embed_dim)
        out = self.out_proj(out)
        if unbatched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(1)
        return out, weights.squeeze(0) if unbatched else weights

    def _check_inputs(self, query: Tensor, key: Tensor, value: Tensor) -> None:
        """PyTorch's AssertionErrors for query, key and value that do not fit together:
        (L, E) with (S, E) or (L, N, E) with (S, N, E), key and value alike."""
        if query.ndim not in (2, 3):
            raise AssertionError(f"MultiheadAttention: query should be unbatched 2D or "
                                 f"batched 3D tensor but received {query.ndim}-D query tensor "
                                 f"of shape {tuple(query.shape)}")
        kind = "unbatched (2-D)" if query.ndim == 2 else "batched (3-D)"
        if key.ndim != query.ndim or value.ndim != query.ndim:
            raise AssertionError(f"MultiheadAttention: For {kind} `query`, expected `key` and "
                                 f"`value` to be {query.ndim}-D but found {key.ndim}-D and "
                                 f"{value.ndim}-D tensors respectively")
        if query.shape[-1] != self.embed_dim:
            raise AssertionError(f"MultiheadAttention: was expecting embedding dimension of "
                                 f"{self.embed_dim}, but got {query.shape[-1]} (query of "
                                 f"shape {tuple(query.shape)})")
        if self._qkv_same_embed_dim and key.shape != value.shape:
            raise AssertionError(f"MultiheadAttention: key shape {tuple(key.shape)} does not "
                                 f"match value shape {tuple(value.shape)}")
        if key.shape[:-1] != value.shape[:-1]:
            raise AssertionError(f"MultiheadAttention: key's sequence and batch dims "
                                 f"{tuple(key.shape[:-1])} do not match value's "
                                 f"{tuple(value.shape[:-1])}")

    def _check_masks(self, query: Tensor, key: Tensor, key_padding_mask: Tensor | None,
                     attn_mask: Tensor | None) -> None:
        """PyTorch's checks of the masks: bool or float (AssertionError), and the shapes
        ``(N, S)`` (or ``(S,)`` unbatched) and ``(L, S)`` or ``(N * num_heads, L, S)``."""
        for name, mask in (("key_padding_mask", key_padding_mask), ("attn_mask", attn_mask)):
            if mask is not None and mask.dtype.kind not in "bf":
                raise AssertionError(f"MultiheadAttention: only bool and floating types of "
                                     f"{name} are supported, got {mask.dtype}")
        unbatched = query.ndim == 2
        if unbatched:
            batch, length, source = 1, query.shape[0], key.shape[0]
        else:
            seq = 1 if self.batch_first else 0  # the sequence dim; the other is the batch
            batch, length, source = query.shape[1 - seq], query.shape[seq], key.shape[seq]
        if key_padding_mask is not None:
            expected = (source,) if unbatched else (batch, source)
            if tuple(key_padding_mask.shape) != expected:
                raise AssertionError(f"MultiheadAttention: expected key_padding_mask of shape "
                                     f"{expected} (for key of shape {tuple(key.shape)}), but "
                                     f"got {tuple(key_padding_mask.shape)}")
        if attn_mask is not None:
            self._check_attn_mask(attn_mask, batch, length, source, unbatched)

    def _check_attn_mask(self, mask: Tensor, batch: int, length: int, source: int,
                         unbatched: bool) -> None:
        """A 2-D ``(L, S)`` or 3-D ``(N * num_heads, L, S)`` attn_mask."""
        shape = tuple(mask.shape)
        if mask.ndim not in (2, 3):
            kind = "unbatched (2-D)" if unbatched else "batched (3-D)"
            raise AssertionError(f"MultiheadAttention: For {kind} `query`, expected "
                                 f"`attn_mask` to be `None`, 2-D or 3-D but found "
                                 f"{mask.ndim}-D tensor of shape {shape} instead")
        expected = (length, source) if mask.ndim == 2 else (
            batch * self.num_heads, length, source)
        if shape != expected:
            error = AssertionError if unbatched and mask.ndim == 3 else RuntimeError
            raise error(f"MultiheadAttention: The shape of the {mask.ndim}D attn_mask is "
                        f"{shape}, but should be {expected}.")

    def _masked(self, scores: Tensor, attn_mask: Any, key_padding_mask: Any,
                batch: int) -> Tensor:
        """Add ``attn_mask`` ((L, S) or (N * H, L, S)) and ``key_padding_mask`` ((N, S))."""
        bias = attention_bias(attn_mask, scores, allowed_when_true=False)
        if bias is not None:
            if bias.ndim == 3:
                bias = bias.reshape(batch, self.num_heads, *bias.shape[1:])
            scores = scores + bias
        padding = attention_bias(key_padding_mask, scores, allowed_when_true=False)
        if padding is not None:
            scores = scores + padding.reshape(batch, 1, 1, -1)
        return scores

    def extra_repr(self) -> str:
        return ""
