"""``minigrad.sparse``, as ``torch.sparse``: products and sums with sparse COO tensors
(see ``sparse_tensors.py`` for what a sparse tensor is here)."""
from __future__ import annotations

from typing import Any

from .ops.linalg import addmm as _addmm
from .ops.linalg import mm as _mm
from .ops.broadcasting import sum as _sum
from .sparse_tensors import sparse_coo_tensor
from .tensor import Tensor

__all__ = ["addmm", "mm", "sparse_coo_tensor", "sum"]


def mm(mat1: Tensor, mat2: Tensor, reduce: str = "sum") -> Tensor:
    """The matrix product of a sparse and a dense matrix (either way round): dense."""
    if reduce != "sum":
        raise NotImplementedError(f"sparse.mm: reduce={reduce!r} is not supported; only 'sum'")
    return _mm(mat1, mat2)


def addmm(mat: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1.0,
          alpha: float = 1.0) -> Tensor:
    """``beta * mat + alpha * (mat1 @ mat2)`` with a sparse ``mat1``: dense."""
    return _addmm(mat, mat1, mat2, beta=beta, alpha=alpha)


def sum(input: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:
    """The sum of a sparse tensor: a dense number over every dim, a sparse tensor over
    some of them."""
    if dtype is not None:
        input = input.to(dtype)
    return _sum(input) if dim is None else _sum(input, dim)
