"""Sorting: ``sort``, ``argsort``, ``topk`` and ``mode``.

The order is found on the array (stable, NaN sorted as the largest value, as in PyTorch);
the values are then gathered with the differentiable ``gather``, so the gradient of each
value goes back to the element it came from. ``mode`` finds its index as PyTorch's
unstable C++ sort leaves the ties (see `cpp_order`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import contiguous_result, input_layout_result, normalize_dim, unary_input
from .cpp_order import sort as cpp_sort
from .elementwise import clone
from .indexing import gather
from .movement import narrow, reshape, squeeze
from .out_argument import takes_out
from .selection import without_derivative


def _order(array: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """Indices that sort ``array`` along ``dim``; ties keep their original order."""
    if not descending:
        return np.argsort(array, axis=dim, kind="stable")
    # Sort the reversed array ascending and reverse the result: largest (and NaN) first,
    # with ties still in their original order.
    n = array.shape[dim]
    backwards = np.argsort(np.flip(array, dim), axis=dim, kind="stable")
    return (n - 1) - np.flip(backwards, dim)


@takes_out("same")
@input_layout_result
def sort(input: Tensor, dim: int = -1, descending: bool = False,
         stable: bool = False) -> return_types.sort:
    """``(values, indices)``: ``input`` sorted along ``dim``.

    The sort is always stable (``stable`` is accepted for PyTorch's signature).
    """
    if input.ndim == 0:  # a copy, as PyTorch's (not the input itself)
        return return_types.sort(clone(input), wrap(np.zeros((), np.int64)))
    dim = normalize_dim(dim, input.ndim, "sort")
    index = wrap(_order(array_of(input), dim, descending).astype(np.int64))
    return return_types.sort(gather(input, dim, index), index)


@takes_out("same")
def argsort(input: Tensor, dim: int = -1, descending: bool = False,
            stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim``."""
    return sort(input, dim, descending, stable).indices


@takes_out("same")
@contiguous_result
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
    # each NaN is distinct, as in PyTorch
    values, inverse, counts = np.unique(array, return_inverse=True, return_counts=True,
                                        axis=axis, equal_nan=False)
    out = [without_derivative(input, values, "_unique2", NotImplementedError)
           if input.requires_grad else wrap(values)]
    if return_inverse:
        shape = array.shape if axis is None else (array.shape[axis],)
        out.append(wrap(inverse.reshape(shape).astype(np.int64)))
    if return_counts:
        out.append(wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input: Tensor, return_inverse: bool = False,
                       return_counts: bool = False, dim: int | None = None) -> Any:
    """``input`` with each run of equal consecutive values (or slices along ``dim``)
    kept once, in order; optionally where each element went and each run's length."""
    array = array_of(input)
    axis = None if dim is None else normalize_dim(dim, input.ndim, "unique_consecutive")
    items = array.reshape(-1) if axis is None else np.moveaxis(array, axis, 0)
    flat = items.reshape(len(items), int(np.prod(items.shape[1:], dtype=np.int64)))
    starts = np.ones(len(items), bool)
    starts[1:] = np.any(flat[1:] != flat[:-1], axis=1)
    values = items[starts] if axis is None else np.moveaxis(items[starts], 0, axis)
    out = [wrap(np.ascontiguousarray(values))]
    if return_inverse:
        shape = array.shape if axis is None else (len(items),)
        out.append(wrap((np.cumsum(starts) - 1).reshape(shape).astype(np.int64)))
    if return_counts:
        out.append(wrap(np.diff(np.append(np.flatnonzero(starts), len(items))).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


@takes_out("same")
def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None, sorter: Tensor | None = None
                 ) -> Tensor:
    """Where each value of ``input`` would be inserted into ``sorted_sequence`` (sorted
    along its last dim; its leading dims, if any, match ``input``'s) to keep it sorted:
    before equal values, or after them with ``right=True`` (``side='right'``)."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' "
                               f"but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to "
                               "opposites, got side of left while right was True")
        right = side == "right"
    seq = array_of(sorted_sequence)
    if seq.dtype == np.bool_ and (input.numel() if isinstance(input, Tensor) else 1):
        raise NotImplementedError("searchsorted: \"searchsorted_out_cpu\" not implemented "
                                  "for 'Bool'")
    if sorter is not None:
        seq = np.take_along_axis(seq, array_of(sorter), axis=-1)
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input) if scalar else array_of(input)
    if seq.ndim > 1 and seq.shape[:-1] != values.shape[:-1]:
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or "
                           f"the first N-1 dimensions of boundaries tensor and input value "
                           f"tensor must match, but we got boundaries tensor "
                           f"{list(seq.shape)} and input value tensor {list(values.shape)}")
    how = "right" if right else "left"
    if seq.ndim <= 1:
        found = np.searchsorted(seq, values, side=how)
    else:
        flat_seq, flat_values = seq.reshape(-1, seq.shape[-1]), values.reshape(
            -1, values.shape[-1])
        found = np.stack([np.searchsorted(s, v, side=how)
                          for s, v in zip(flat_seq, flat_values)]).reshape(values.shape)
    return wrap(np.asarray(found, dtype=np.int32 if out_int32 else np.int64))


@takes_out("same")
def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """The bucket of each value of ``input`` among the sorted 1-d ``boundaries``:
    ``boundaries[i - 1] < x <= boundaries[i]`` (``<= x <`` with ``right=True``)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"bucketize: boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


@takes_out("same")
def msort(input: Tensor) -> Tensor:
    """``input`` sorted along dim 0."""
    return sort(input, 0).values


@takes_out("same")
def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> return_types.mode:
    """``(values, indices)``: the most frequent value of each slice along ``dim`` (the
    smallest of equally frequent ones) and where one of its occurrences is; the gradient
    goes to that element.

    The occurrence is the one PyTorch's CPU kernel reports: the last in the order in which
    its unstable sort leaves the tied values (the last index, for slices of up to 16).
    NaNs never compare equal, so each counts once.
    """
    input = unary_input("mode", input)
    x = reshape(input, (1,)) if input.ndim == 0 else input
    d = normalize_dim(dim, x.ndim, "mode")
    if x.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size "
                         f"(input of shape {tuple(input.shape)}).")
    rows = np.moveaxis(array_of(x), d, -1)
    index = _mode_index(rows.reshape(-1, rows.shape[-1])).reshape(rows.shape[:-1])
    index = np.expand_dims(index, d)
    values, indices = gather(x, d, index), wrap(index)
    if input.ndim == 0:
        return return_types.mode(reshape(values, ()), reshape(indices, ()))
    if not keepdim:
        values, indices = squeeze(values, d), squeeze(indices, d)
    return return_types.mode(values, indices)


def _mode_index(rows: np.ndarray) -> np.ndarray:
    """Where the mode of each row is. NumPy finds the mode's value (each run of equal
    values in the sorted row is counted; the first longest wins); rows where the unstable
    sort decides which occurrence is reported (ties beyond 16 elements, or NaNs, which
    also decide the value) run PyTorch's steps."""
    n = rows.shape[-1]
    ordered = np.sort(rows, axis=-1)
    starts = np.ones(ordered.shape, bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    ends = np.roll(starts, -1, axis=-1)
    position = np.arange(n)
    run_start = np.maximum.accumulate(np.where(starts, position, 0), axis=-1)
    lengths = np.where(ends, position - run_start + 1, 0)
    best = np.argmax(lengths, axis=-1)[:, None]
    value, count = (np.take_along_axis(a, best, -1)[:, 0] for a in (ordered, lengths))
    last = n - 1 - np.argmax((rows == value[:, None])[:, ::-1], axis=-1)
    unsure = count > 1 if n > 16 else np.zeros(len(rows), bool)
    if rows.dtype.kind == "f":
        unsure |= np.isnan(rows).any(axis=-1)
    for r in np.nonzero(unsure)[0]:
        last[r] = _mode_of_row(rows[r].tolist())
    return last.astype(np.int64)


def _mode_of_row(row: list) -> int:
    """The index PyTorch's CPU mode gives for one row: sort (value, index) pairs by value
    with ``std::sort``, then report the last pair of the first longest run of equal
    values."""
    pairs = list(zip(row, range(len(row))))
    cpp_sort(pairs, lambda a, b: a[0] < b[0])
    best = run = 0
    for i, (value, where) in enumerate(pairs):
        run += 1
        if i == len(pairs) - 1 or value != pairs[i + 1][0]:
            if run > best:
                best, found = run, where
            run = 0
    return found
