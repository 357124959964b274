"""Sorting: ``sort``, ``argsort`` and ``topk``.

The order is found on the array (stable, NaN sorted as the largest value, as in PyTorch);
the values are then gathered with the differentiable ``gather``, so the gradient of each
value goes back to the element it came from.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import normalize_dim
from .indexing import gather
from .movement import narrow


def _order(array: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """Indices that sort ``array`` along ``dim``; ties keep their original order."""
    if not descending:
        return np.argsort(array, axis=dim, kind="stable")
    # Sort the reversed array ascending and reverse the result: largest (and NaN) first,
    # with ties still in their original order.
    n = array.shape[dim]
    backwards = np.argsort(np.flip(array, dim), axis=dim, kind="stable")
    return (n - 1) - np.flip(backwards, dim)


def sort(input: Tensor, dim: int = -1, descending: bool = False,
         stable: bool = False) -> return_types.sort:
    """``(values, indices)``: ``input`` sorted along ``dim``.

    The sort is always stable (``stable`` is accepted for PyTorch's signature).
    """
    if input.ndim == 0:
        return return_types.sort(input, wrap(np.zeros((), np.int64)))
    dim = normalize_dim(dim, input.ndim, "sort")
    index = wrap(_order(array_of(input), dim, descending).astype(np.int64))
    return return_types.sort(gather(input, dim, index), index)


def argsort(input: Tensor, dim: int = -1, descending: bool = False,
            stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim``."""
    return sort(input, dim, descending, stable).indices


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> return_types.topk:
    """``(values, indices)`` of the ``k`` largest (or smallest) elements along ``dim``,
    in sorted order (``sorted=False`` gives them sorted as well)."""
    if input.dtype == np.bool_:
        raise RuntimeError("topk: topk does not support bool dtypes on CPU")
    size = input.shape[normalize_dim(dim, input.ndim, "topk")] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"topk: selected index k out of range (k={k}, but dimension "
                           f"{dim} has size {size})")
    values, indices = sort(input, dim, descending=largest)
    if input.ndim == 0:
        return return_types.topk(values, indices)
    return return_types.topk(narrow(values, dim, 0, k), narrow(indices, dim, 0, k))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values of ``input`` (or distinct slices along ``dim``), sorted, and
    optionally where each element went (``inverse``) and how often each value occurs."""
    array = array_of(input)
    axis = None if dim is None else normalize_dim(dim, input.ndim, "unique")
    values, inverse, counts = np.unique(array, return_inverse=True, return_counts=True,
                                        axis=axis)
    out = [wrap(values)]
    if return_inverse:
        shape = array.shape if axis is None else (array.shape[axis],)
        out.append(wrap(inverse.reshape(shape).astype(np.int64)))
    if return_counts:
        out.append(wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)
