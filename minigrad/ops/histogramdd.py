"""``histogramdd``: counts of N-dimensional points in a grid of bins, one sequence of edges
per dimension. Outside the graph, as in PyTorch."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from ..internal import array_of, wrap
from ..tensor import Tensor
from ._util import unary_input
from .out_argument import takes_out

_OP = "torch.histogramdd"


@takes_out("same")
def histogramdd(input: Tensor, bins: Any, *, range: Any = None, weight: Tensor | None = None,
                density: bool = False) -> return_types.histogramdd:
    """``(hist, bin_edges)`` of the points in the rows of ``input`` (its last dim holds
    each point's N coordinates; the other dims are flattened).

    Parameters
    ----------
    input : Tensor
        Float points, shape (..., N), at least 2 dims.
    bins : int, sequence of N ints, or sequence of N 1-d Tensors
        Equal-width bins per dimension (over ``range``, or the data's own range, widened
        by 0.5 each side where it is one value), or the edges of each dimension's bins.
        Each bin includes its left edge; the last one its right edge too.
    range : sequence of 2N floats, optional
        ``(min_0, max_0, min_1, max_1, ...)`` for equal-width bins.
    weight : Tensor, optional
        One weight per point (shape ``input.shape[:-1]``, ``input``'s dtype), summed
        instead of counting.
    density : bool
        Divide by the total and the bin volumes, so the histogram integrates to 1.

    Returns
    -------
    histogramdd
        ``hist`` of shape (bins_0, ..., bins_{N-1}) in ``input``'s dtype, and
        ``bin_edges``, a tuple of N 1-d tensors.
    """
    input = unary_input("histogramdd", input)
    if input.dtype.kind != "f":
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{input.dtype}'")
    if input.ndim < 2:
        raise RuntimeError(f"{_OP}: input tensor should have at least 2 dimensions (got shape "
                           f"{tuple(input.shape)})")
    n = input.shape[-1]
    points = array_of(input).reshape(int(np.prod(input.shape[:-1])), n)
    edges = _edges(points, bins, range, input.dtype)
    weights = _weights(input, weight)
    hist = np.zeros(tuple(len(e) - 1 for e in edges), dtype=np.float64)
    where, inside = _bin_indices(points, edges)
    if inside.any():
        np.add.at(hist, tuple(where[:, inside]),
                  1.0 if weights is None else weights[inside].astype(np.float64))
    if density:
        volumes = np.ones(())
        for e in edges:
            volumes = np.multiply.outer(volumes, np.diff(e.astype(np.float64)))
        with np.errstate(all="ignore"):
            hist = hist / hist.sum() / volumes
    return return_types.histogramdd(wrap(hist.astype(input.dtype)),
                                    tuple(wrap(e) for e in edges))


def _edges(points: np.ndarray, bins: Any, range: Any, dtype: np.dtype) -> list[np.ndarray]:
    """Each dimension's bin edges, in ``dtype``."""
    n = points.shape[1]
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        bins = [int(bins)] * n
    bins = list(bins)
    if len(bins) != n:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost "
                           f"dimension of the input (got {len(bins)} bins for points of "
                           f"{n} coordinates).")
    if all(isinstance(b, Tensor) for b in bins):
        return [_given_edges(b, d, dtype) for d, b in enumerate(bins)]
    for d, count in enumerate(bins):
        if int(count) <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {count} for "
                               f"dimension {d}")
    return [np.linspace(low, high, int(count) + 1).astype(dtype)
            for count, (low, high) in zip(bins, _ranges(points, range))]


def _given_edges(edges: Tensor, d: int, dtype: np.dtype) -> np.ndarray:
    if edges.ndim != 1:
        raise RuntimeError(f"{_OP}: bins tensor should have one dimension, but got "
                           f"{edges.ndim} dimensions in the bins tensor for dimension {d}")
    if edges.dtype != dtype:
        raise RuntimeError(f"{_OP}: input tensor and bins tensors should have the same dtype, "
                           f"but got input with dtype {dtype} and bins for dimension {d} "
                           f"with dtype {edges.dtype}")
    if edges.shape[0] < 2:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got "
                           f"{edges.shape[0] - 1} for dimension {d}")
    return array_of(edges).copy()


def _ranges(points: np.ndarray, range: Any) -> list[tuple[float, float]]:
    """``(low, high)`` per dimension: given, or the data's, widened where it is a point."""
    n = points.shape[1]
    if range is not None:
        range = [float(v) for v in range]
        if len(range) != 2 * n:
            raise RuntimeError(f"{_OP}: for a {n}-dimensional histogram range should have "
                               f"{2 * n} elements, but got {len(range)}")
        pairs = list(zip(range[0::2], range[1::2]))
    elif points.shape[0] == 0:
        pairs = [(0.0, 1.0)] * n
    else:
        pairs = [(float(lo), float(hi)) for lo, hi in zip(points.min(0), points.max(0))]
    result = []
    for d, (low, high) in enumerate(pairs):
        if not (np.isfinite(low) and np.isfinite(high)):
            raise RuntimeError(f"{_OP}: dimension {d}'s range [{low:g}, {high:g}] is not "
                               "finite")
        if low > high:
            raise RuntimeError(f"{_OP}: min should not exceed max, but got min {low:g} max "
                               f"{high:g} for dimension {d}")
        result.append((low - 0.5, high + 0.5) if low == high else (low, high))
    return result


def _weights(input: Tensor, weight: Tensor | None) -> np.ndarray | None:
    if weight is None:
        return None
    if tuple(weight.shape) != tuple(input.shape[:-1]):
        raise RuntimeError(f"{_OP}: if weight tensor is provided it should have the same shape "
                           f"as the input tensor excluding its innermost dimension, but got "
                           f"input with shape {list(input.shape)} and weight with shape "
                           f"{list(weight.shape)}")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"{_OP}: if weight tensor is provided, input tensor and weight "
                           f"tensor should have the same dtype, but got input({input.dtype}), "
                           f"and weight({weight.dtype})")
    return array_of(weight).reshape(-1)


def _bin_indices(points: np.ndarray, edges: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each point's bin per dimension (N, M), and which points fall inside the grid."""
    where = np.empty((len(edges), points.shape[0]), dtype=np.int64)
    inside = np.full(points.shape[0], bool(edges))  # no dimensions: no bin to fall in
    for d, e in enumerate(edges):
        values = points[:, d]
        index = np.searchsorted(e, values, side="right") - 1
        index[values == e[-1]] = len(e) - 2  # the last bin includes its right edge
        inside &= (values >= e[0]) & (values <= e[-1]) & (index >= 0) & (index < len(e) - 1)
        where[d] = np.clip(index, 0, len(e) - 2)
    return where, inside
