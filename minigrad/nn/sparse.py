"""Embedding: a lookup table of learned vectors, one row per index."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from . import functional as F
from . import init
from ._placement import check_device
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """``weight[input]``: a vector of ``embedding_dim`` numbers for each integer index.

    Parameters
    ----------
    num_embeddings : int
        The size of the table (indices run over ``[0, num_embeddings)``).
    embedding_dim : int
    padding_idx : int, optional
        This row starts at zero and receives no gradient (negative counts from the end).
    max_norm, norm_type, scale_grad_by_freq, sparse
        As in `functional.embedding`.
    _weight : Tensor, optional
        Use this table instead of a random one.
    _freeze : bool
        Do not learn the table.
    device, dtype
        The CPU only; the dtype of the table (float32 by default).

    Attributes
    ----------
    weight : Parameter
        Shape ``(num_embeddings, embedding_dim)``, drawn from ``N(0, 1)``.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight: Tensor | None = None, _freeze: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "Embedding")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError(f"Embedding: padding_idx must be within num_embeddings "
                                     f"({num_embeddings}), got {padding_idx}")
            padding_idx %= num_embeddings
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            table = np.empty((num_embeddings, embedding_dim), dtype=dtype or get_default_dtype())
            self.weight = Parameter(table, requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError(f"Embedding: shape of weight {tuple(_weight.shape)} does "
                                     f"not match num_embeddings and embedding_dim "
                                     f"({num_embeddings}, {embedding_dim})")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """Draw the table from ``N(0, 1)`` and zero the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm,
                           self.norm_type, self.scale_grad_by_freq, self.sparse)

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True,
                        padding_idx: int | None = None, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> "Embedding":
        """An Embedding whose table is ``embeddings`` (2-D, shared), frozen by default."""
        if embeddings.ndim != 2:
            raise AssertionError(f"Embedding.from_pretrained: embeddings parameter is expected "
                                 f"to be 2-dimensional, got shape {tuple(embeddings.shape)}")
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += ", scale_grad_by_freq=True"
        if self.sparse:
            text += ", sparse=True"
        return text
