"""Embedding and EmbeddingBag: a lookup table of learned vectors, one row per index."""
from __future__ import annotations

from typing import Any


from ..autograd.grad_mode import no_grad
from ..creation import empty
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
        _set_up_table(self, num_embeddings, embedding_dim, padding_idx, _weight, _freeze,
                      device, dtype)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse

    def reset_parameters(self) -> None:
        """Draw the table from ``N(0, 1)`` and zero the padding row."""
        _reset_table(self)

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
        text += _renorm_repr(self)
        if self.sparse:
            text += ", sparse=True"
        return text


def _set_up_table(module: Module, num_embeddings: int, embedding_dim: int,
                  padding_idx: int | None, weight: Tensor | None, freeze: bool, device: Any,
                  dtype: Any) -> None:
    """The attributes both lookup layers share: sizes, padding row and the table."""
    name = type(module).__name__
    check_device(device, name)
    module.num_embeddings, module.embedding_dim = num_embeddings, embedding_dim
    if padding_idx is not None:
        if not -num_embeddings <= padding_idx < num_embeddings:
            raise AssertionError(f"{name}: padding_idx must be within num_embeddings "
                                 f"({num_embeddings}), got {padding_idx}")
        padding_idx %= num_embeddings
    module.padding_idx = padding_idx
    if weight is None:
        table = empty(num_embeddings, embedding_dim, dtype=dtype or get_default_dtype())
        module.weight = Parameter(table, requires_grad=not freeze)
        _reset_table(module)
    else:
        if tuple(weight.shape) != (num_embeddings, embedding_dim):
            raise AssertionError(f"{name}: shape of weight {tuple(weight.shape)} does not "
                                 f"match num_embeddings and embedding_dim "
                                 f"({num_embeddings}, {embedding_dim})")
        module.weight = Parameter(weight, requires_grad=not freeze)


def _renorm_repr(module: Module) -> str:
    """The max_norm, norm_type and scale_grad_by_freq part of a lookup layer's repr."""
    text = "" if module.max_norm is None else f", max_norm={module.max_norm}"
    if module.norm_type != 2:
        text += f", norm_type={module.norm_type}"
    return text + (", scale_grad_by_freq=True" if module.scale_grad_by_freq else "")


def _reset_table(module: Module) -> None:
    init.normal_(module.weight)
    if module.padding_idx is not None:
        with no_grad():
            module.weight[module.padding_idx] = 0.0


class EmbeddingBag(Module):
    """The sum, mean or max of the embeddings of each bag of indices, without building
    the embeddings of every index as a separate tensor first; see
    `functional.embedding_bag`.

    The arguments are those of `Embedding` (less ``_freeze``) and of
    `functional.embedding_bag` (``mode``, ``include_last_offset``); ``weight`` is the
    same table, drawn from ``N(0, 1)``. ``forward(input, offsets=None,
    per_sample_weights=None)``.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Tensor | None = None,
                 include_last_offset: bool = False, padding_idx: int | None = None,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        _set_up_table(self, num_embeddings, embedding_dim, padding_idx, _weight, False,
                      device, dtype)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.mode, self.sparse = scale_grad_by_freq, mode, sparse
        self.include_last_offset = include_last_offset

    def reset_parameters(self) -> None:
        """Draw the table from ``N(0, 1)`` and zero the padding row."""
        _reset_table(self)

    def forward(self, input: Tensor, offsets: Tensor | None = None,
                per_sample_weights: Tensor | None = None) -> Tensor:
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse,
                               per_sample_weights, self.include_last_offset, self.padding_idx)

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True,
                        max_norm: float | None = None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, mode: str = "mean",
                        sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: int | None = None) -> "EmbeddingBag":
        """An EmbeddingBag whose table is ``embeddings`` (2-D, shared), frozen by default."""
        if embeddings.ndim != 2:
            raise AssertionError(f"EmbeddingBag.from_pretrained: embeddings parameter is "
                                 f"expected to be 2-dimensional, got shape "
                                 f"{tuple(embeddings.shape)}")
        bag = cls(*embeddings.shape, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                  embeddings, include_last_offset, padding_idx)
        bag.weight.requires_grad_(not freeze)
        return bag

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}{_renorm_repr(self)}"
        text += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
