"""Helpers the distributions share, as ``torch.distributions.utils``: broadcasting the
parameters, converting between probabilities and logits, and ``lazy_property`` for a
parameterisation computed on first use."""
from __future__ import annotations

import functools
import numbers
from typing import Any, Callable

import numpy as np

from .. import ops
from ..autograd import enable_grad
from ..creation import zeros
from ..dtypes import get_default_dtype
from ..internal import wrap
from ..tensor import Tensor

__all__ = ["euler_constant", "broadcast_all", "logits_to_probs", "clamp_probs", "probs_to_logits",
           "lazy_property", "tril_matrix_to_vec", "vec_to_tril_matrix"]

euler_constant = 0.57721566490153286060
"""The Euler-Mascheroni constant (the mean of a standard Gumbel variable)."""


def broadcast_all(*values: Any) -> tuple[Tensor, ...]:
    """The values as tensors of one broadcast shape.

    Numbers become tensors of the first tensor's dtype (the default float dtype when all
    are numbers).

    Raises
    ------
    ValueError
        If a value is neither a number nor a tensor.
    """
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    dtype = next((v.dtype for v in values if isinstance(v, Tensor)), get_default_dtype())
    tensors = [v if isinstance(v, Tensor) else wrap(np.asarray(v, dtype=dtype))
               for v in values]
    shape = tuple(ops.broadcast_shapes(*(t.shape for t in tensors)))  # PyTorch's error
    return tuple(t if tuple(t.shape) == shape else t.expand(*shape) for t in tensors)


def clamp_probs(probs: Tensor) -> Tensor:
    """``probs`` clamped into ``[eps, 1 - eps]`` of its dtype."""
    eps = float(np.finfo(probs.dtype).eps)
    return ops.clamp(probs, eps, 1 - eps)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """``sigmoid(logits)`` for a binary event, else ``softmax`` over the last dim."""
    return ops.sigmoid(logits) if is_binary else ops.softmax(logits, -1)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Log-odds of clamped ``probs`` for a binary event, else their logs."""
    clamped = clamp_probs(probs)
    if is_binary:
        return ops.log(clamped) - ops.log1p(-clamped)
    return ops.log(clamped)


class lazy_property:
    """A decorator: the method runs on first access (with gradients on) and its result
    then replaces it as an instance attribute."""

    def __init__(self, wrapped: Callable) -> None:
        self.wrapped = wrapped
        functools.update_wrapper(self, wrapped)  # type: ignore[arg-type]

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The entries of the lower triangle (below diagonal ``diag``) of the last two dims,
    row by row."""
    n = mat.shape[-1]
    rows, cols = np.tril_indices(n, k=diag)
    return mat[..., wrap(rows), wrap(cols)]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """The inverse of `tril_matrix_to_vec`: a lower triangular matrix from its entries."""
    length = vec.shape[-1]
    n = int(round((-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * length
                                      + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2))
    rows, cols = np.tril_indices(n, k=diag)
    if len(rows) != length:
        raise ValueError(f"vec_to_tril_matrix: {length} entries do not fill a triangle "
                         f"with diag={diag}")
    flat = np.ravel_multi_index((rows, cols), (n, n))
    out = zeros(*vec.shape[:-1], n * n, dtype=vec.dtype).index_add(-1, wrap(flat), vec)
    return out.reshape(*vec.shape[:-1], n, n)
