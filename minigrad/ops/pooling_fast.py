"""Fast array paths for pooling windows that tile the image.

Pooling layers usually take windows that tile the image: stride equal to the kernel, no
dilation (LeNet's and VGG's 2x2 max-pooling, a global average). The windows of an image
laid out (N, C, H, W) are then its reshape to (N*C*OH, KH, OW, KW), and a window reduces
in two steps that each read memory in long runs: first along its KW neighbours in a row
(the input seen as rows of KW values), then along the KH rows of those results. The
general path in `pooling.py` reads every kernel offset of every window through a strided
view instead, one short run of OW values at a time.

For max-pooling the two steps keep their own argmax: ``cols`` (which of the KW values of
a row won, per row of each window) and ``rows`` (which of the KH row winners won). The
backward routes the gradient through the same two steps in reverse, every write a long
run, and writes every input cell exactly once, so no zero-filled image is needed. The
flat offset ``k = i * KW + j`` that `pooling.py` works with is composed from the two.
"""
from __future__ import annotations

import numpy as np

from .windows import Pair


def tiles(shape: tuple, kernel: Pair, stride: Pair, dilation: Pair, out: Pair) -> bool:
    """Whether the windows tile an (N, C, H, W) image exactly (H = OH * KH, W = OW * KW)."""
    return (tuple(stride) == tuple(kernel) and tuple(dilation) == (1, 1)
            and shape[2:] == (out[0] * kernel[0], out[1] * kernel[1]))


def _argmax_steps(values: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Max over the middle axis of (M, K, L) ``values`` into ``best`` (M, L); return the
    index of the first maximum, as uint8 (so up to 255 offsets per axis)."""
    np.copyto(best, values[:, 0])
    arg = np.zeros(best.shape, np.uint8)
    for k in range(1, values.shape[1]):
        better = np.greater(values[:, k], best)  # strict: the first maximum wins ties
        np.maximum(best, values[:, k], out=best)  # (and a NaN propagates)
        np.copyto(arg, k, where=better)
    return arg


def max_pool(x: np.ndarray, kernel: Pair) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tiled max-pooling of a C-contiguous x: the (N, C, OH, OW) maxima, and the argmax of
    the column step (N*C*H*OW,) and of the row step (N*C*OH, OW)."""
    n, c, h, w = x.shape
    (kh, kw), oh, ow = kernel, h // kernel[0], w // kernel[1]
    row_best = np.empty((n * c * h * ow, 1), x.dtype)
    cols = _argmax_steps(x.reshape(-1, kw, 1), row_best)
    best = np.empty((n * c * oh, ow), x.dtype)
    rows = _argmax_steps(row_best.reshape(n * c * oh, kh, ow), best)
    return best.reshape(n, c, oh, ow), cols.reshape(-1), rows


def flat_offsets(cols: np.ndarray, rows: np.ndarray, kernel: Pair) -> np.ndarray:
    """k = i * KW + j of each window's maximum, (M, OW) with M = N*C*OH, from the steps."""
    kh, kw = kernel
    m, ow = rows.shape
    per_row = cols.reshape(m, kh, ow)
    chosen = per_row[:, 0].copy()
    for i in range(1, kh):
        np.copyto(chosen, per_row[:, i], where=rows == i)
    dtype = np.uint8 if kh * kw < 256 else np.int32
    return rows.astype(dtype) * kw + chosen


def max_route(g: np.ndarray, cols: np.ndarray, rows: np.ndarray, kernel: Pair,
              shape: tuple) -> np.ndarray:
    """The gradient of tiled max-pooling: each g to the maximum of its window, else 0."""
    (kh, kw), m = kernel, rows.shape[0]
    g = np.ascontiguousarray(g).reshape(m, -1)
    per_row = np.empty((m, kh, g.shape[1]), g.dtype)
    for i in range(kh):
        np.multiply(g, rows == i, out=per_row[:, i])
    image = np.empty((per_row.size, kw), g.dtype)
    flat = per_row.reshape(-1)
    for j in range(kw):
        np.multiply(flat, cols == j, out=image[:, j])
    return image.reshape(shape)


def _sum_steps(values: np.ndarray) -> np.ndarray:
    """Sum over the middle axis of (M, K, L) ``values``: a loop of long additions for a
    few terms, NumPy's reduction (contiguous runs of K) for many."""
    if values.shape[1] > 4:
        return values.sum(axis=1)
    total = values[:, 0].copy()
    for k in range(1, values.shape[1]):
        total += values[:, k]
    return total


def window_sums(x: np.ndarray, kernel: Pair) -> np.ndarray:
    """Tiled sum pooling of a C-contiguous x: (N, C, OH, OW) sums of its windows."""
    n, c, h, w = x.shape
    (kh, kw), oh, ow = kernel, h // kernel[0], w // kernel[1]
    row_sums = _sum_steps(x.reshape(-1, kw, 1))
    return _sum_steps(row_sums.reshape(n * c * oh, kh, ow)).reshape(n, c, oh, ow)


def spread(share: np.ndarray, kernel: Pair, shape: tuple) -> np.ndarray:
    """Tiled sum pooling's adjoint: every cell of a window gets its window's ``share``."""
    (kh, kw), (n, c, oh, ow) = kernel, share.shape
    per_row = np.empty((n * c * oh, kh, ow), share.dtype)
    per_row[...] = share.reshape(n * c * oh, 1, ow)
    image = np.empty((per_row.size, kw), share.dtype)
    image[...] = per_row.reshape(-1, 1)
    return image.reshape(shape)
