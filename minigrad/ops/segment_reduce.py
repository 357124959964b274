"""``segment_reduce``: one reduction per run of consecutive slices along an axis, built
from ``narrow``, the reductions and ``cat`` (so it is differentiable)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import normalize_dim
from .broadcasting import sum
from .movement import cat, narrow, select, stack
from .reduction import amax, amin, prod
from .selection import where

_REDUCTIONS = {"sum": sum, "prod": prod, "mean": sum, "max": amax, "amax": amax,
               "min": amin, "amin": amin}
_EMPTY = {"sum": 0.0, "prod": 1.0, "mean": float("nan"), "max": -np.inf, "amax": -np.inf,
          "min": np.inf, "amin": np.inf}


def segment_reduce(data: Tensor, reduce: str, *, lengths: Tensor | None = None,
                   indices: Tensor | None = None, offsets: Tensor | None = None,
                   axis: int = 0, unsafe: bool = False, initial: Any = None) -> Tensor:
    """Reduce ``data`` along ``axis`` over consecutive segments.

    Parameters
    ----------
    data : Tensor
        Float values.
    reduce : {'sum', 'mean', 'max', 'min', 'prod'} (also 'amax', 'amin')
    lengths : Tensor, optional
        Integer segment lengths; rows of a batch along its leading dims, which ``data``
        shares (``axis`` must be ``lengths.ndim - 1``).
    indices : Tensor, optional
        Not supported, as in PyTorch (raises ``RuntimeError``).
    offsets : Tensor, optional
        Segment boundaries instead of ``lengths``: segment ``i`` is
        ``offsets[i]:offsets[i + 1]``.
    axis : int
    unsafe : bool
        Skip the check that the lengths add up to ``data.shape[axis]``.
    initial : number, optional
        Joined into every segment's reduction (``mean`` divides ``sum + initial`` by the
        length); an empty segment gives it. Without it an empty segment gives 0 (sum),
        1 (prod), nan (mean), -inf (max) or inf (min).

    Returns
    -------
    Tensor
        ``data``'s shape with ``axis`` replaced by the number of segments.
    """
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, "
                           f"got {reduce}")
    if indices is not None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if not isinstance(data, Tensor):
        raise TypeError(f"segment_reduce(): argument 'data' (position 1) must be Tensor, not "
                        f"{type(data).__name__}")
    if data.dtype.kind != "f":
        raise NotImplementedError(f"\"_segment_reduce_cpu\" not implemented for "
                                  f"'{data.dtype}'")
    if lengths is None:
        if offsets is None:
            raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
        bounds = array_of(offsets)
        lengths = wrap(bounds[..., 1:] - bounds[..., :-1])
        start = bounds[..., 0]
    else:
        start = np.zeros(lengths.shape[:-1], dtype=np.int64)
    if lengths.dtype.kind not in "iu":
        raise NotImplementedError(f"\"_segment_reduce_lengths_cpu_kernel1\" not implemented "
                                  f"for '{lengths.dtype}'")
    if data.ndim < lengths.ndim:
        raise RuntimeError(f"segment_reduce(): expected data.dim() >= lengths.dim(), got data "
                           f"of shape {tuple(data.shape)} and lengths of shape "
                           f"{tuple(lengths.shape)}")
    axis = normalize_dim(axis, data.ndim, "segment_reduce")
    if axis != lengths.ndim - 1:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of "
                           f"lengths but got {axis}.")
    sizes = array_of(lengths)
    if (sizes < 0).any():
        raise RuntimeError("lengths contains negative value!")
    if not unsafe and offsets is None and (sizes.sum(-1) != data.shape[axis]).any():
        raise RuntimeError(f"segment_reduce(): Expected all rows of lengths along axis to sum "
                           f"to data.size(lengths.dim()-1) ({data.shape[axis]}) when !unsafe "
                           f"(lengths add up to {sizes.sum(-1).tolist()}).")
    return _batched(data, reduce, sizes, start, initial)


def _batched(data: Tensor, reduce: str, sizes: np.ndarray, start: Any,
             initial: Any) -> Tensor:
    """One row of lengths per index of the leading dims."""
    if sizes.ndim > 1:
        return stack([_batched(select(data, 0, i), reduce, sizes[i], start[i], initial)
                      for i in range(sizes.shape[0])])
    parts, begin = [], int(start)
    for length in sizes.tolist():
        parts.append(_segment(narrow(data, 0, begin, length), reduce, initial))
        begin += length
    if not parts:
        return narrow(data, 0, 0, 0)
    return cat(parts, 0)


def _segment(piece: Tensor, reduce: str, initial: Any) -> Tensor:
    """The reduction of one segment along dim 0, keeping that dim (of size 1)."""
    n = piece.shape[0]
    if n == 0:  # the fill, added to an empty sum so that it stays in the graph
        fill = _EMPTY[reduce] if initial is None else float(initial)
        return sum(piece, 0, True) + fill
    result = _REDUCTIONS[reduce](piece, 0, True)
    if initial is not None:
        if reduce in ("sum", "mean"):
            result = result + initial
        elif reduce == "prod":
            result = result * initial
        else:  # a tie with ``initial`` leaves the whole gradient to the data, as PyTorch
            bound = wrap(np.full(result.shape, initial, dtype=result.dtype))
            keep = result >= bound if reduce in ("max", "amax") else result <= bound
            result = where(keep, result, bound)
    return result / n if reduce == "mean" else result
