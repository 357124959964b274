"""Fast array paths for pooling windows that tile the image.

Pooling layers usually take windows that tile the image: stride equal to the kernel, no
dilation (LeNet's and VGG's 2x2 max-pooling, a global average). The windows of an image
laid out (N, C, H, W) are then its reshape to (N*C*OH, KH, OW, KW), and a window reduces
in two steps that each run over long arrays: first across the KW neighbours in each row
(every KW-th value of the flat image), then across the KH row results (runs of OW). The
general path in `pooling.py` reads every kernel offset of every window through a strided
view instead, one short run of OW values at a time. Columns first, then rows, keeps
PyTorch's rule for ties: the first maximum in row-major order wins.

For max-pooling each step keeps its own argmax, ``cols`` (which of the KW values won, per
row of each window) and ``rows`` (which of the KH row winners won, per window). The
backward composes from them the flat index of each window's maximum in the image and
scatters the gradient there, into an image of zeros: one pass (measured on a 2-core Xeon,
1.2-1.6x faster than routing the gradient back through the two steps with masks). The
offset ``k = i * KW + j`` that `pooling.py` works with (for `return_indices` and double
backward) is composed from the two steps the same way, only when asked for.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from .windows import Pair

# Tiled sum pooling of at least this many elements sums with BLAS (see window_sums).
BLAS_SUMS_MIN = 1 << 20


def _max_steps(values: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Max over the middle axis of (M, K, L) ``values`` into ``best`` (M, L); return the
    index of the first maximum as uint8 (so up to 255 offsets per axis)."""
    np.copyto(best, values[:, 0])
    arg = np.zeros(best.shape, np.uint8)
    for k in range(1, values.shape[1]):
        better = np.greater(values[:, k], best)  # strict: the first maximum wins ties
        np.maximum(best, values[:, k], out=best)  # (and a NaN propagates)
        # Later offsets that win have larger k, so the last winner is the largest k seen.
        arg = better.view(np.uint8) if k == 1 else np.maximum(arg, better * np.uint8(k))
    return arg


def max_pool(x: np.ndarray, kernel: Pair) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tiled max-pooling of a C-contiguous x: the (N, C, OH, OW) maxima, and the argmax
    of the column step, (N*C*H*OW, 1), and of the row step, (N*C*OH, OW)."""
    n, c, h, w = x.shape
    (kh, kw), oh, ow = kernel, h // kernel[0], w // kernel[1]
    col_best = np.empty((n * c * h * ow, 1), x.dtype)
    cols = _max_steps(x.reshape(-1, kw, 1), col_best)
    best = np.empty((n * c * oh, ow), x.dtype)
    rows = _max_steps(col_best.reshape(n * c * oh, kh, ow), best)
    return best.reshape(n, c, oh, ow), rows, cols


def _winning_columns(rows: np.ndarray, cols: np.ndarray, kernel: Pair) -> np.ndarray:
    """The column step's winner in the row that won, per window: (N*C*OH, OW) uint8."""
    kh, (m, ow) = kernel[0], rows.shape
    per_row = cols.reshape(m, kh, ow)
    if kh == 1:
        return per_row[:, 0]
    if kh == 2:  # c0, or c1 where row 1 won: c0 ^ ((c0 ^ c1) & 0xff-if-row-1)
        first = per_row[:, 0]
        return first ^ ((first ^ per_row[:, 1]) & np.negative(rows))
    return np.take_along_axis(per_row, rows[:, None], axis=1)[:, 0]


def flat_offsets(rows: np.ndarray, cols: np.ndarray, kernel: Pair) -> np.ndarray:
    """k = i * KW + j of each window's maximum, (N*C*OH, OW), from the two steps."""
    kh, kw = kernel
    dtype = np.uint8 if kh * kw < 256 else np.int32
    return rows.astype(dtype) * kw + _winning_columns(rows, cols, kernel)


@functools.lru_cache(maxsize=8)
def _window_starts(m: int, ow: int, kernel: Pair) -> np.ndarray:
    """The flat index of each window's first cell in its (N, C, OH * KH, OW * KW) image."""
    (kh, kw), width = kernel, ow * kernel[1]
    starts = np.arange(m, dtype=np.intp)[:, None] * (kh * width) + np.arange(0, width, kw)
    starts.flags.writeable = False
    return starts


def max_route(g: np.ndarray, rows: np.ndarray, cols: np.ndarray, kernel: Pair,
              shape: tuple) -> np.ndarray:
    """The gradient of tiled max-pooling: each g to the maximum of its window, else 0.

    One scatter into an image of zeros, at each window's first cell moved down by the
    winning row and right by the winning column.
    """
    (m, ow), width = rows.shape, shape[3]
    within = np.multiply(rows, width, dtype=np.int32)
    within += _winning_columns(rows, cols, kernel)
    image = np.zeros(math.prod(shape), g.dtype)
    image[_window_starts(m, ow, tuple(kernel)) + within] = g.reshape(m, ow)
    return image.reshape(shape)


def _fold_steps(values: np.ndarray, ufunc: np.ufunc = np.add) -> np.ndarray:
    """``ufunc`` (add: a sum, maximum: a max) over the middle axis of (M, K, L) ``values``,
    as a loop of K - 1 long in-place calls: NumPy's own reduction over that axis was
    1.4-11x slower for every kernel and run length measured (K = 2 to 14, L = 1 to 56)."""
    total = values[:, 0].copy()
    for k in range(1, values.shape[1]):
        ufunc(total, values[:, k], out=total)
    return total


def window_sums(x: np.ndarray, kernel: Pair) -> np.ndarray:
    """Tiled sum pooling of a C-contiguous x: (N, C, OH, OW) sums of its windows.

    Below BLAS_SUMS_MIN elements, rows first (the strided step then runs on data KH times
    smaller). Above, the columns first, as one matrix-vector product of the image's runs
    of KW values with ones: BLAS reads the whole image once, on every core, and the rows
    step then runs on data KW times smaller (measured on a 2-core Xeon: 1.4-2.2x faster
    for 2M-3M elements, 1.2x slower for 300K with a 4 x 4 window).
    """
    if x.size < BLAS_SUMS_MIN:
        return _window_fold(x, kernel, np.add)
    n, c, h, w = x.shape
    (kh, kw), oh, ow = kernel, h // kernel[0], w // kernel[1]
    columns = np.matmul(x.reshape(-1, kw), np.ones(kw, x.dtype))
    return _fold_steps(columns.reshape(n * c * oh, kh, ow)).reshape(n, c, oh, ow)


def window_maxima(x: np.ndarray, kernel: Pair) -> np.ndarray:
    """Tiled max-pooling values only (a NaN wins), for when no gradient is needed: no
    argmax is kept, so no mask is built."""
    return _window_fold(x, kernel, np.maximum)


def _window_fold(x: np.ndarray, kernel: Pair, ufunc: np.ufunc) -> np.ndarray:
    n, c, h, w = x.shape
    (kh, kw), oh, ow = kernel, h // kernel[0], w // kernel[1]
    rows = _fold_steps(x.reshape(n * c * oh, kh, w), ufunc)
    return _fold_steps(rows.reshape(-1, kw, 1), ufunc).reshape(n, c, oh, ow)


def spread(share: np.ndarray, kernel: Pair, shape: tuple) -> np.ndarray:
    """Tiled sum pooling's adjoint: every cell of a window gets its window's ``share``."""
    (kh, kw), (n, c, oh, ow) = kernel, share.shape
    per_col = np.empty((share.size, kw), share.dtype)
    per_col[...] = share.reshape(-1, 1)
    image = np.empty((n * c * oh, kh, ow * kw), share.dtype)
    image[...] = per_col.reshape(n * c * oh, 1, ow * kw)
    return image.reshape(shape)
