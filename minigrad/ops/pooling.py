"""Pooling: max_pool2d and avg_pool2d as registered primitives, and adaptive_avg_pool2d.
(The 1-D and 3-D poolings of ``minigrad/nn/functional/pooling.py`` are made of these.)

Padding (and the extra right/bottom cells that ``ceil_mode`` may need) is applied first
with the differentiable ``pad`` (with -inf for max, 0 for average), so the primitives only
ever slide windows over an already padded image.

Max-pooling remembers which offset k = i * KW + j of each window held the maximum (the
first one on ties, as in PyTorch). Its backward routes each output gradient to that
position, adding up where windows overlap; the backward of that routing is a gather at
the same positions, so max-pooling can be differentiated twice.
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from ..autograd.function import Function, register
from ..autograd.grad_mode import is_grad_enabled
from ..internal import array_of, wrap
from ..tensor import Tensor
from . import linalg, movement, pooling_fast
from ._util import zero_where
from .conv import Col2Im
from .windows import Pair, check_image, check_positive, ints, output_size, windows


def _offsets(kernel: Pair) -> list[tuple[int, int, int]]:
    """(k, i, j) for every position of a window, in row-major order."""
    return [(i * kernel[1] + j, i, j) for i in range(kernel[0]) for j in range(kernel[1])]


def _tiled_part(x: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair,
                out: Pair) -> np.ndarray | None:
    """The C-contiguous part of x that the windows tile, when they tile it (stride equal to
    the kernel, no dilation; rows and columns past the last window are left out)."""
    if tuple(stride) != tuple(kernel) or tuple(dilation) != (1, 1):
        return None
    return np.ascontiguousarray(x[:, :, :out[0] * kernel[0], :out[1] * kernel[1]])


def _into_image(part: np.ndarray, shape: tuple) -> np.ndarray:
    """A gradient for the tiled part as one for the whole image (zeros past the windows)."""
    if part.shape == tuple(shape):
        return part
    image = np.zeros(shape, part.dtype)
    image[:, :, :part.shape[2], :part.shape[3]] = part
    return image


# --- max-pooling -----------------------------------------------------------------------------
def _max_windows(x: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair,
                 out: Pair) -> tuple[np.ndarray, np.ndarray]:
    """Maxima of any windows and the offset k of the first maximum of each, one kernel
    offset at a time over a strided view of the windows."""
    view = windows(x, kernel, stride, dilation, out)
    best = view[:, :, 0, 0].copy()
    arg = np.zeros(best.shape, np.uint8 if math.prod(kernel) < 256 else np.int32)
    for k, i, j in _offsets(kernel)[1:]:
        candidate = view[:, :, i, j]
        better = np.greater(candidate, best)  # strict: the first maximum wins ties
        np.maximum(best, candidate, out=best)  # (and a NaN propagates, as in PyTorch)
        np.copyto(arg, k, where=better)
    return best, arg


def _route(g: np.ndarray, arg: np.ndarray, shape: tuple, kernel: Pair, stride: Pair,
           dilation: Pair) -> np.ndarray:
    """An image of zeros with each g added at the argmax of its window (overlaps add)."""
    image = np.zeros(shape, dtype=g.dtype)
    view = windows(image, kernel, stride, dilation, arg.shape[2:], writeable=True)
    disjoint = all(s >= d * (k - 1) + 1 for s, d, k in zip(stride, dilation, kernel))
    for k, i, j in _offsets(kernel):  # zero_where, not g * mask: inf * 0 would be NaN
        if disjoint:
            zero_where(g, arg != k, out=view[:, :, i, j])
        else:
            view[:, :, i, j] += zero_where(g, arg != k)
    return image


@register("max_pool2d")
class MaxPool2DWithIndices(Function):
    """z = max over each window of x.  dz/dx: g routed to the (first) argmax of its window.

    x is already padded (with -inf) so that the last window ends at its edge. The argmax
    is kept as the offset k = i * KW + j in its window, and returned as a second output
    when ``indices`` is set. Windows that tile x take the two-step path of
    `pooling_fast`, which keeps the argmax of each step and composes k only when needed.
    """

    @staticmethod
    def forward(ctx, x, kernel_size, stride, dilation=(1, 1), indices=False):
        out = output_size(x.shape[2:], kernel_size, stride, (0, 0), dilation, "max_pool2d")
        ctx.shape, ctx.geometry, ctx.arg = x.shape, (kernel_size, stride, dilation), None
        part = _tiled_part(x, kernel_size, stride, dilation, out)
        if part is not None and not indices and not (ctx.needs_input_grad[0] and
                                                     is_grad_enabled()):
            return pooling_fast.window_maxima(part, kernel_size)  # no argmax to keep
        if part is None:
            best, ctx.arg = _max_windows(x, kernel_size, stride, dilation, out)
        else:
            best, rows, cols = pooling_fast.max_pool(part, kernel_size)
            ctx.steps = rows, cols, part.shape
        return (best, MaxPool2DWithIndices.offsets(ctx)) if indices else best

    @staticmethod
    def offsets(ctx) -> np.ndarray:
        """The (N, C, OH, OW) offsets k of the maxima, composed from the steps if need be."""
        if ctx.arg is None:
            rows, cols, part_shape = ctx.steps
            n, c, h, w = part_shape
            kernel = ctx.geometry[0]
            flat = pooling_fast.flat_offsets(rows, cols, kernel)
            ctx.arg = flat.reshape(n, c, h // kernel[0], w // kernel[1])
        return ctx.arg

    @staticmethod
    def backward(ctx, g, *_):
        arg = MaxPool2DWithIndices.offsets(ctx)
        return MaxPoolRoute.apply(g, arg, ctx.shape, *ctx.geometry), None, None, None, None

    @staticmethod
    def backward_arrays(ctx, g, *_):
        if ctx.arg is not None:
            return _route(g, ctx.arg, ctx.shape, *ctx.geometry), None, None, None, None
        rows, cols, part_shape = ctx.steps
        part = pooling_fast.max_route(g, rows, cols, ctx.geometry[0], part_shape)
        return _into_image(part, ctx.shape), None, None, None, None


@register("max_pool2d_route")
class MaxPoolRoute(Function):
    """z = zeros(shape) with g[window] added at the argmax of each window (overlaps add).
    dz/dg: gather of the gradient at the same argmax positions."""

    @staticmethod
    def forward(ctx, g, arg, shape, kernel_size, stride, dilation):
        ctx.arg, ctx.geometry = arg, (kernel_size, stride, dilation)
        return _route(g, arg, shape, kernel_size, stride, dilation)

    @staticmethod
    def backward(ctx, gg):
        return MaxPoolGather.apply(gg, ctx.arg, *ctx.geometry), None, None, None, None, None


@register("max_pool2d_gather")
class MaxPoolGather(Function):
    """z[window] = x at the remembered argmax of the window.  dz/dx: route (scatter-add)."""

    @staticmethod
    def forward(ctx, x, arg, kernel_size, stride, dilation):
        ctx.shape, ctx.arg, ctx.geometry = x.shape, arg, (kernel_size, stride, dilation)
        view = windows(x, kernel_size, stride, dilation, arg.shape[2:])
        out = np.zeros(arg.shape, dtype=x.dtype)
        for k, i, j in _offsets(kernel_size):
            np.copyto(out, view[:, :, i, j], where=arg == k)
        return out

    @staticmethod
    def backward(ctx, g):
        return MaxPoolRoute.apply(g, ctx.arg, ctx.shape, *ctx.geometry), None, None, None, None


# --- average pooling -------------------------------------------------------------------------
@register("avg_pool2d")
class AvgPool2D(Function):
    """z = sum over each window of x / divisor.  dz/dx: g / divisor added to every position
    of its window (col2im). x is already padded (with zeros)."""

    @staticmethod
    def forward(ctx, x, kernel_size, stride, divisor):
        out = divisor.shape
        ctx.shape, ctx.geometry = x.shape, (kernel_size, stride, divisor)
        part = _tiled_part(x, kernel_size, stride, (1, 1), out)
        if part is not None:
            total = pooling_fast.window_sums(part, kernel_size)
        else:
            view = windows(x, kernel_size, stride, (1, 1), out)
            total = view[:, :, 0, 0].copy()
            for _, i, j in _offsets(kernel_size)[1:]:
                total += view[:, :, i, j]
        if x.dtype.kind in "iu":
            return integer_mean(total, divisor)
        return total / divisor.astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        kernel, stride, divisor = ctx.geometry
        n, c, oh, ow = g.shape
        share = g / wrap(divisor.astype(g.dtype))
        cols = movement.expand(movement.reshape(share, (n, c, 1, oh * ow)),
                               (n, c, kernel[0] * kernel[1], oh * ow))
        cols = movement.reshape(cols, (n, -1, oh * ow))
        return Col2Im.apply(cols, ctx.shape[2:], kernel, (1, 1), (0, 0), stride), None, None, None

    @staticmethod
    def backward_arrays(ctx, g):
        kernel, stride, divisor = ctx.geometry
        share = g / divisor.astype(g.dtype)
        n, c, oh, ow = g.shape
        if tuple(stride) == tuple(kernel):
            part_shape = (n, c, oh * kernel[0], ow * kernel[1])
            return _into_image(pooling_fast.spread(share, kernel, part_shape), ctx.shape), \
                None, None, None
        image = np.zeros(ctx.shape, g.dtype)
        view = windows(image, kernel, stride, (1, 1), (oh, ow), writeable=True)
        for _, i, j in _offsets(kernel):
            view[:, :, i, j] += share
        return image, None, None, None


# --- public functions ----------------------------------------------------------------------
# besides floats, as PyTorch's kernels
_POOLED_INTEGERS = {"max": ("uint8", "int8", "int16", "int32", "int64"), "avg": ("int64",)}


def integer_mean(total: np.ndarray, divisor: np.ndarray) -> np.ndarray:
    """``total / divisor`` for integer sums, rounded toward zero as PyTorch's integer
    average pooling does."""
    return np.sign(total) * (np.abs(total) // divisor.astype(total.dtype))


def lowest(dtype: np.dtype) -> Any:
    """The padding that never wins a maximum: -inf, or an integer dtype's minimum."""
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def pool_geometry(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                  ceil_mode: bool, op: str, spatial: int = 2) -> tuple:
    """Check a pooling's input and arguments (``spatial`` = 3 for volumes); return the
    kernel, stride, padding and dilation as tuples of ints, and the output size."""
    check_image(x, op, spatial=spatial, integers=_POOLED_INTEGERS.get(op[:3], ()))
    kernel = ints(kernel_size, spatial, "kernel_size", op)
    stride = kernel if stride is None or stride == [] else ints(stride, spatial, "stride", op)
    padding = ints(padding, spatial, "padding", op)
    dilation = ints(dilation, spatial, "dilation", op)
    check_positive(kernel, "kernel_size", op)
    check_positive(stride, "stride", op)
    check_positive(dilation, "dilation", op)
    check_positive(padding, "padding", op, minimum=0)
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError(f"{op}: pad should be at most half of kernel size, but got "
                         f"pad={tuple(padding)} and kernel_size={tuple(kernel)}")
    out = output_size(x.shape[-spatial:], kernel, stride, padding, dilation, op, ceil_mode)
    return kernel, stride, padding, dilation, out


def _pad_for_windows(x: Tensor, kernel, stride, padding, dilation, out, value: float) -> Tensor:
    """Pad left/top by the padding, and right/bottom as far as the last window reaches."""
    after = []
    for n, k, s, p, d, o in zip(x.shape[2:], kernel, stride, padding, dilation, out):
        after.append(max(p, (o - 1) * s + d * (k - 1) + 1 - n - p))
    (ph, pw), (bottom, right) = padding, after
    if ph == pw == bottom == right == 0:
        return x
    return movement.pad(x, (pw, right, ph, bottom), value=value)


def _batched(x: Tensor) -> tuple[Tensor, bool]:
    return (movement.unsqueeze(x, 0), True) if x.ndim == 3 else (x, False)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """2-D max pooling, as ``torch.nn.functional.max_pool2d``.

    Parameters
    ----------
    input : Tensor
        (N, C, H, W) or (C, H, W); floating point or any integer dtype (not bool).
    kernel_size : int or pair
    stride : int or pair, optional
        Defaults to ``kernel_size``.
    padding : int or pair
        Implicit -inf padding; at most half the kernel.
    dilation : int or pair
    ceil_mode : bool
        Round the output size up; a window may still not start in the right padding.
    return_indices : bool
        Also return, per output, the flat index ``h * W + w`` of its maximum in the input.

    Returns
    -------
    Tensor or (Tensor, Tensor)
    """
    x, unbatched = _batched(input)
    kernel, stride, padding, dilation, out = pool_geometry(
        x, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    padded = _pad_for_windows(x, kernel, stride, padding, dilation, out, lowest(x.dtype))
    if not return_indices:
        values = MaxPool2DWithIndices.apply(padded, kernel, stride, dilation, False)
        return movement.squeeze(values, 0) if unbatched else values
    values, arg = MaxPool2DWithIndices.apply(padded, kernel, stride, dilation, True)
    if unbatched:
        values = movement.squeeze(values, 0)
    indices = _flat_indices(array_of(arg), x.shape[-1], kernel, stride, padding, dilation)
    return values, wrap(indices[0] if unbatched else indices)


def _flat_indices(arg: np.ndarray, width: int, kernel, stride, padding, dilation) -> np.ndarray:
    """PyTorch's return_indices: the flat position h * W + w in the unpadded input."""
    oh, ow = arg.shape[2:]
    i, j = np.divmod(arg.astype(np.int64), kernel[1])
    rows = np.arange(oh).reshape(-1, 1) * stride[0] + i * dilation[0] - padding[0]
    cols = np.arange(ow) * stride[1] + j * dilation[1] - padding[1]
    return rows * width + cols


def window_counts(size, kernel, stride, padding, out, count_include_pad: bool) -> np.ndarray:
    """How many cells each average divides by (PyTorch's rule), shape (OH, OW), or
    (OD, OH, OW) for volumes."""
    counts = []
    for n, k, s, p, o in zip(size, kernel, stride, padding, out):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        counts.append(end - start)
    return functools.reduce(np.multiply.outer, counts).astype(np.float64)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """2-D average pooling, as ``torch.nn.functional.avg_pool2d``.

    Parameters
    ----------
    input : Tensor
        (N, C, H, W) or (C, H, W); floating point or int64 (whose mean rounds toward
        zero, as in PyTorch).
    kernel_size : int or pair
    stride : int or pair, optional
        Defaults to ``kernel_size``.
    padding : int or pair
        Zero padding; at most half the kernel.
    ceil_mode : bool
        Round the output size up.
    count_include_pad : bool
        Count the zero padding in the divisor.
    divisor_override : int, optional
        Divide every sum by this instead.
    """
    x, unbatched = _batched(input)
    kernel, stride, padding, dilation, out = pool_geometry(
        x, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError("avg_pool2d: divisor_override must be non-zero")
        divisor = np.full(out, float(divisor_override))
    else:
        divisor = window_counts(x.shape[2:], kernel, stride, padding, out, count_include_pad)
    padded = _pad_for_windows(x, kernel, stride, padding, dilation, out, 0.0)
    result = AvgPool2D.apply(padded, kernel, stride, divisor)
    return movement.squeeze(result, 0) if unbatched else result


def adaptive_sizes(output_size: Any, spatial: tuple, op: str) -> tuple[int, ...]:
    """The output size of an adaptive pooling, one int per spatial dim: an int means the
    same for each, ``None`` keeps that input size."""
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * len(
        spatial)
    if len(sizes) != len(spatial):
        raise RuntimeError(f"{op}: output_size must be {len(spatial)} ints, got "
                           f"{tuple(sizes)}")
    sizes = ints([n if o is None else o for o, n in zip(sizes, spatial)], len(spatial),
                 "output_size", op)
    check_positive(sizes, "output_size", op, minimum=0)
    if 0 in spatial:
        raise RuntimeError(f"{op}(): Expected input to have non-zero size for non-batch "
                           f"dimensions, but input has spatial sizes {list(spatial)} with one "
                           f"being empty")
    return sizes


def empty_adaptive(x: Tensor, sizes: tuple) -> Tensor | None:
    """An adaptive pooling's result when an output size is 0: empty (its gradient, zero),
    else None."""
    if 0 not in sizes:
        return None
    index = (Ellipsis,) + tuple(slice(0, 0) for _ in sizes)
    return movement.reshape(x[index], tuple(x.shape[:-len(sizes)]) + tuple(sizes))


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling to a fixed (OH, OW), as ``torch.nn.functional.adaptive_avg_pool2d``.

    Window i along a dim of size n covers ``[floor(i n / o), ceil((i + 1) n / o))``; when
    o divides n this is a plain average pool. Otherwise the average is a linear map along
    each dim, ``A_h @ x @ A_w^T`` with ``A[i]`` holding 1/size over window i, computed as two
    matrix products (`adaptive_average`). ``None`` in ``output_size`` keeps that size.
    """
    x, unbatched = _batched(input)
    check_image(x, "adaptive_avg_pool2d")
    out_h, out_w = adaptive_sizes(output_size, x.shape[2:], "adaptive_avg_pool2d")
    (n, c, h, w) = x.shape
    empty = empty_adaptive(x, (out_h, out_w))
    if empty is not None:
        result = empty
    elif h % out_h == 0 and w % out_w == 0:
        result = avg_pool2d(x, (h // out_h, w // out_w))
    else:
        result = adaptive_average(x, (out_h, out_w))
    return movement.squeeze(result, 0) if unbatched else result


def adaptive_average(x: Tensor, sizes: tuple) -> Tensor:
    """Average the last ``len(sizes)`` dims of x down to ``sizes`` with adaptive windows:
    along each dim whose size changes, one matrix product with `_averaging` (the dim moved
    last and the others flattened into rows), the last dim first."""
    for dim, o in reversed(list(enumerate(sizes, x.ndim - len(sizes)))):
        n, last = x.shape[dim], x.ndim - 1
        if n == o:
            continue
        moved = movement.transpose(x, dim, last) if dim != last else x
        rows = movement.reshape(moved, (-1, n))
        averaged = movement.reshape(linalg.matmul(rows, _averaging(n, o, x.dtype)),
                                    moved.shape[:-1] + (o,))
        x = movement.transpose(averaged, dim, last) if dim != last else averaged
    return x


def _averaging(n: int, o: int, dtype: np.dtype) -> Tensor:
    """The (n, o) matrix whose column i averages window i of adaptive pooling."""
    matrix = np.zeros((n, o), dtype)
    for i in range(o):
        start, end = (i * n) // o, -(-((i + 1) * n) // o)
        matrix[start:end, i] = 1.0 / (end - start)
    return wrap(matrix)
